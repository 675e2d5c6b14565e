/**
 * A user agent as a person reads it in the audit log: "Firefox 126 on macOS",
 * "curl 8.5", "keymint CLI 0.1", "Node.js fetch". The full string stays in the event.
 */
export function shortUserAgent(ua: string | null | undefined): string {
  const s = (ua ?? '').trim();
  if (!s) return 'unknown client';
  return browser(s) ?? tool(s) ?? firstProduct(s);
}

const major = (v: string) => v.split('.')[0] ?? v;
const minor = (v: string) => v.split('.').slice(0, 2).join('.');

function os(s: string): string | undefined {
  if (/iPhone|iPad|iPod/.test(s)) return 'iOS';
  if (/Android/.test(s)) return 'Android';
  if (/CrOS/.test(s)) return 'ChromeOS';
  if (/Mac OS X|Macintosh/.test(s)) return 'macOS';
  if (/Windows/.test(s)) return 'Windows';
  if (/Linux|X11/.test(s)) return 'Linux';
  return undefined;
}

/** Browsers, checked in the order their strings overlap (Edge and Opera claim Chrome, Chrome claims Safari). */
const BROWSERS: [RegExp, string, (v: string) => string][] = [
  [/Edg(?:e|A|iOS)?\/([\d.]+)/, 'Edge', major],
  [/(?:OPR|Opera)\/([\d.]+)/, 'Opera', major],
  [/SamsungBrowser\/([\d.]+)/, 'Samsung Internet', major],
  [/(?:Firefox|FxiOS)\/([\d.]+)/, 'Firefox', major],
  [/HeadlessChrome\/([\d.]+)/, 'Headless Chrome', major],
  [/(?:Chrome|CriOS)\/([\d.]+)/, 'Chrome', major],
  [/Version\/([\d.]+).*Safari\//, 'Safari', minor],
];

function browser(s: string): string | undefined {
  if (!s.startsWith('Mozilla/')) return undefined;
  for (const [re, name, version] of BROWSERS) {
    const m = re.exec(s);
    if (m?.[1]) {
      const where = os(s);
      return `${name} ${version(m[1])}${where ? ` on ${where}` : ''}`;
    }
  }
  return undefined;
}

/** Command-line tools, libraries and agents, by their product token. */
const TOOLS: [RegExp, (v: string) => string][] = [
  [/^keymint(?:-cli)?\/([\d.]+)/i, (v) => `keymint CLI ${minor(v)}`],
  [/^curl\/([\d.]+)/, (v) => `curl ${minor(v)}`],
  [/^Wget\/([\d.]+)/, (v) => `Wget ${minor(v)}`],
  [/^HTTPie\/([\d.]+)/, (v) => `HTTPie ${minor(v)}`],
  [/^PostmanRuntime\/([\d.]+)/, (v) => `Postman ${minor(v)}`],
  [/^insomnia\/([\d.]+)/i, (v) => `Insomnia ${major(v)}`],
  [/^python-requests\/([\d.]+)/, (v) => `Python requests ${minor(v)}`],
  [/^python-httpx\/([\d.]+)/, (v) => `Python httpx ${minor(v)}`],
  [/^Python-urllib\/([\d.]+)/, (v) => `Python urllib ${minor(v)}`],
  [/^aiohttp\/([\d.]+)|Python.*aiohttp\/([\d.]+)/, (v) => `Python aiohttp ${minor(v)}`],
  [/^axios\/([\d.]+)/, (v) => `axios ${minor(v)}`],
  [/^node-fetch(?:\/([\d.]+))?/, (v) => `node-fetch ${minor(v)}`.trim()],
  [/^undici(?:\/([\d.]+))?$/, () => 'Node.js fetch'],
  [/^Go-http-client\/([\d.]+)/, () => 'Go HTTP client'],
  [/^okhttp\/([\d.]+)/, (v) => `OkHttp ${minor(v)}`],
  [/^Java(?:-http-client)?\/([\d.]+)/, (v) => `Java HTTP client ${major(v)}`],
  [/^Apache-HttpClient\/([\d.]+)/, (v) => `Apache HttpClient ${minor(v)}`],
  [/^Bun\/([\d.]+)/, (v) => `Bun ${minor(v)}`],
  [/^Deno\/([\d.]+)/, (v) => `Deno ${minor(v)}`],
];

function tool(s: string): string | undefined {
  // Node's built-in fetch sends just "node"; other runtimes' fetch names the runtime.
  if (/^node$/i.test(s)) return 'Node.js fetch';
  if (/mcp/i.test(s)) return `MCP client ${firstProduct(s)}`;
  for (const [re, label] of TOOLS) {
    const m = re.exec(s);
    if (m) return label(m[1] ?? m[2] ?? '');
  }
  return undefined;
}

/** Anything else: its first product token ("Foo/1.2.3 (bar)" → "Foo 1.2"), at most 40 characters. */
function firstProduct(s: string): string {
  const m = /^([^\s/;()]+)(?:\/([^\s;()]+))?/.exec(s);
  const text = m?.[1] ? `${m[1]}${m[2] ? ` ${minor(m[2])}` : ''}` : s;
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
