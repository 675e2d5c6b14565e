/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { when } from './format';

/**
 * A date in a table cell: the day only, so columns stay one line; the minute (UTC) and
 * anything else worth knowing in the tooltip and the machine-readable `datetime`.
 */
export function Day(props: { iso: string | null; never?: string; detail?: string | undefined }) {
  if (!props.iso) return <span class="muted">{props.never ?? 'never'}</span>;
  const tip = props.detail ? `${when(props.iso)} ${props.detail}` : when(props.iso);
  return (
    <time datetime={props.iso} title={tip}>
      {props.iso.slice(0, 10)}
    </time>
  );
}

const unit = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** How far ahead a moment is, as people say it: "in 1 hour", "in 24 hours", "in 3 days". */
export function fromNow(untilMs: number, nowMs: number): string {
  const ms = Math.max(0, untilMs - nowMs);
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'in less than a minute';
  if (minutes < 60) return `in ${unit(minutes, 'minute')}`;
  const hours = Math.round(ms / 3_600_000);
  if (hours < 48) return `in ${unit(hours, 'hour')}`;
  return `in ${unit(Math.round(ms / 86_400_000), 'day')}`;
}
