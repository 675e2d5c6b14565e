/** A readable API reference rendered from the OpenAPI document, served without any CDN. */

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  description?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  format?: string;
  anyOf?: Schema[];
  oneOf?: Schema[];
};

type Operation = {
  summary?: string;
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string }>;
};

type Doc = {
  info?: { title?: string; version?: string; description?: string };
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
};

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string,
  );

/** A schema with its `$ref` followed into the document's components (one level is all ours use). */
function resolve(doc: Doc, s: Schema | undefined): Schema | undefined {
  const name = s?.$ref?.replace('#/components/schemas/', '');
  return name ? doc.components?.schemas?.[name] : s;
}

/** `string, 1–100 characters`, `integer, 60–3600`, `"30d" | "60d" | …`, `array of string`. */
function describeType(doc: Doc, raw: Schema | undefined): string {
  const s = resolve(doc, raw);
  if (!s) return '';
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return alternatives.map((a) => describeType(doc, a)).join(' or ');
  const type = Array.isArray(s.type) ? s.type.join(' or ') : (s.type ?? 'object');
  if (type === 'array') return `array of ${describeType(doc, s.items)}`;
  const bounds = (lo?: number, hi?: number, unit = '') =>
    lo !== undefined && hi !== undefined
      ? `${lo}–${hi}${unit}`
      : lo !== undefined
        ? `≥ ${lo}${unit}`
        : hi !== undefined
          ? `≤ ${hi}${unit}`
          : '';
  const range = bounds(s.minimum, s.maximum) || bounds(s.minLength, s.maxLength, ' characters');
  return [type, s.format, range].filter(Boolean).join(', ');
}

function fieldRows(
  rows: { name: string; where: string; required: boolean; type: string; about?: string | undefined }[],
) {
  if (rows.length === 0) return '';
  const cells = rows
    .map(
      (r) =>
        `<tr><td><code>${escapeHtml(r.name)}</code></td><td>${escapeHtml(r.where)}</td><td>${r.required ? 'required' : 'optional'}</td>` +
        `<td>${escapeHtml(r.type)}</td><td>${escapeHtml(r.about ?? '')}</td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th>name</th><th>in</th><th>need</th><th>type</th><th>about</th></tr></thead><tbody>${cells}</tbody></table>`;
}

function renderOperation(doc: Doc, path: string, method: string, op: Operation): string {
  const params = (op.parameters ?? []).map((p) => ({
    name: p.name,
    where: p.in,
    required: !!p.required,
    type: describeType(doc, p.schema),
    about: p.description,
  }));
  const body = resolve(doc, op.requestBody?.content?.['application/json']?.schema);
  const fields = Object.entries(body?.properties ?? {}).map(([name, s]) => ({
    name,
    where: 'body',
    required: (body?.required ?? []).includes(name),
    type: describeType(doc, s),
    about: resolve(doc, s)?.description,
  }));
  const statuses = Object.entries(op.responses ?? {})
    .map(([code, r]) => `<li><code>${escapeHtml(code)}</code> ${escapeHtml(r.description ?? '')}</li>`)
    .join('');
  return (
    `<section><h2><span class="m">${escapeHtml(method.toUpperCase())}</span> <code>/api/v1${escapeHtml(path)}</code></h2>` +
    `<p>${escapeHtml(op.summary ?? '')}</p>${fieldRows([...params, ...fields])}<ul>${statuses}</ul></section>`
  );
}

export function renderReference(doc: Doc): string {
  const sections = Object.entries(doc.paths ?? {}).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => renderOperation(doc, path, method, op)),
  );
  const version = doc.info?.version ? `version ${doc.info.version}` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(doc.info?.title ?? 'API')}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2430}
h2{font-size:1rem;margin:1.5rem 0 .25rem}.m{display:inline-block;min-width:4.5rem;color:#0b5cad}
code{font-family:ui-monospace,monospace}section{border-top:1px solid #e3e7ee}ul{margin:.25rem 0}
table{border-collapse:collapse;margin:.25rem 0;font-size:14px}th,td{text-align:left;padding:.15rem .75rem .15rem 0;vertical-align:top}
th{font-weight:600;color:#4a5568}</style></head>
<body><h1>${escapeHtml(doc.info?.title ?? 'API')} <small>${escapeHtml(version)}</small></h1>
<p>${escapeHtml(doc.info?.description ?? '')}</p><p>Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1).</p>
${sections.join('\n')}</body></html>`;
}
