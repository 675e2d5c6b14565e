/**
 * A small Prometheus registry (text exposition format 0.0.4) on Web APIs only, so it
 * runs wherever the app does. Children (one per label set) are made once and kept by the
 * caller, so recording is a number update: no strings are built on the request path.
 */

type Kind = 'counter' | 'gauge' | 'histogram';

interface Family {
  render(out: string[]): void;
}

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A sample value as the format spells it. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

/** `{a="x",b="y"}`, or '' without labels; `extra` is appended raw (a histogram's le). */
function labelText(names: readonly string[], values: readonly string[], extra = ''): string {
  const parts = names.map((n, i) => `${n}="${escapeLabel(values[i] ?? '')}"`);
  if (extra) parts.push(extra);
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

abstract class LabelledFamily<Child> implements Family {
  protected readonly children = new Map<string, { values: string[]; child: Child }>();

  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly kind: Kind,
    readonly labelNames: readonly string[],
  ) {
    if (!NAME.test(name)) throw new Error(`bad metric name ${name}`);
    for (const l of labelNames) if (!LABEL.test(l) || l === 'le') throw new Error(`bad label name ${l}`);
  }

  protected abstract create(): Child;
  protected abstract sample(out: string[], labels: (extra?: string) => string, child: Child): void;

  /** The child of one label set, made on first use; keep it rather than asking per event. */
  labels(...values: string[]): Child {
    if (values.length !== this.labelNames.length) {
      throw new Error(`${this.name} takes ${this.labelNames.length} labels, got ${values.length}`);
    }
    const key = values.join('\u0000');
    let entry = this.children.get(key);
    if (!entry) {
      entry = { values, child: this.create() };
      this.children.set(key, entry);
    }
    return entry.child;
  }

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.kind}`);
    for (const { values, child } of this.children.values()) {
      this.sample(out, (extra) => labelText(this.labelNames, values, extra), child);
    }
  }
}

export class CounterChild {
  value = 0;
  inc(by = 1): void {
    this.value += by;
  }
}

export class Counter extends LabelledFamily<CounterChild> {
  constructor(name: string, help: string, labelNames: readonly string[] = []) {
    super(name, help, 'counter', labelNames);
  }
  protected create() {
    return new CounterChild();
  }
  protected sample(out: string[], labels: () => string, child: CounterChild) {
    out.push(`${this.name}${labels()} ${formatValue(child.value)}`);
  }
}

export class GaugeChild {
  value = 0;
  set(v: number): void {
    this.value = v;
  }
}

export class Gauge extends LabelledFamily<GaugeChild> {
  constructor(name: string, help: string, labelNames: readonly string[] = []) {
    super(name, help, 'gauge', labelNames);
  }
  protected create() {
    return new GaugeChild();
  }
  protected sample(out: string[], labels: () => string, child: GaugeChild) {
    out.push(`${this.name}${labels()} ${formatValue(child.value)}`);
  }
  /** Forgets every label set (for gauges rebuilt at each scrape). */
  clear(): void {
    this.children.clear();
  }
}

export class HistogramChild {
  /** Per-bucket (not cumulative) counts; the last slot is above the highest bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }
  observe(v: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && v > (b[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += v;
    this.count++;
  }
}

export class Histogram extends LabelledFamily<HistogramChild> {
  private readonly les: string[];
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    readonly bounds: readonly number[],
  ) {
    super(name, help, 'histogram', labelNames);
    for (let i = 1; i < bounds.length; i++) {
      if ((bounds[i] as number) <= (bounds[i - 1] as number))
        throw new Error(`${name}: buckets must increase`);
    }
    this.les = [...bounds.map((b) => `le="${formatValue(b)}"`), 'le="+Inf"'];
  }
  protected create() {
    return new HistogramChild(this.bounds);
  }
  protected sample(out: string[], labels: (extra?: string) => string, child: HistogramChild) {
    let cumulative = 0;
    for (let i = 0; i < this.les.length; i++) {
      cumulative += child.counts[i] as number;
      out.push(`${this.name}_bucket${labels(this.les[i])} ${formatValue(cumulative)}`);
    }
    out.push(`${this.name}_sum${labels()} ${formatValue(child.sum)}`);
    out.push(`${this.name}_count${labels()} ${formatValue(child.count)}`);
  }
}

/** Families in the order they were made, rendered together. */
export class Registry {
  private readonly families: Family[] = [];
  private readonly names = new Set<string>();

  private add<F extends Family & { name: string }>(f: F): F {
    if (this.names.has(f.name)) throw new Error(`metric ${f.name} registered twice`);
    this.names.add(f.name);
    this.families.push(f);
    return f;
  }

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.add(new Counter(name, help, labelNames));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.add(new Gauge(name, help, labelNames));
  }

  histogram(name: string, help: string, labelNames: readonly string[], bounds: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, labelNames, bounds));
  }

  /** The whole exposition, ending in a newline as the format asks. */
  render(): string {
    const out: string[] = [];
    for (const f of this.families) f.render(out);
    return `${out.join('\n')}\n`;
  }
}
