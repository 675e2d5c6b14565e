/** The console's only stylesheet and script, served by keymint itself (no CDN, no inline code). */

export const CONSOLE_CSS = `
:root{--fg:#1d2430;--muted:#5b6577;--line:#dde2ea;--bg:#f7f8fa;--accent:#0b5cad;--danger:#b42318;--ok:#067647;--warn:#b54708}
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,sans-serif;color:var(--fg);background:var(--bg)}
header{display:flex;gap:1.5rem;align-items:center;padding:.75rem 1.5rem;background:#fff;border-bottom:1px solid var(--line);flex-wrap:wrap}
header nav a{margin-right:1rem;color:var(--accent);text-decoration:none}header nav a[aria-current=page]{font-weight:600;text-decoration:underline}
main{padding:1.5rem;max-width:90rem;margin:auto}h1{font-size:1.4rem;margin:.25rem 0 1rem}h2{font-size:1.1rem}
table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid var(--line);vertical-align:top;font-size:.9rem}
code,.mono{font-family:ui-monospace,monospace;font-size:.85rem}.muted{color:var(--muted)}
.badge{display:inline-block;padding:0 .5rem;border-radius:1rem;font-size:.8rem;border:1px solid}
.badge.active{color:var(--ok)}.badge.disabled{color:var(--warn)}.badge.expired{color:var(--muted)}.badge.revoked{color:var(--danger)}
form.inline,label.inline{display:inline}button,.button{font:inherit;padding:.3rem .8rem;border:1px solid var(--line);border-radius:.3rem;background:#fff;cursor:pointer;color:var(--fg);text-decoration:none;display:inline-block}
button.primary{background:var(--accent);color:#fff;border-color:var(--accent)}button.danger{color:var(--danger)}button:disabled{opacity:.5;cursor:not-allowed}
label{display:block;margin:.5rem 0 .15rem;font-weight:500}input[type=text],input[type=email],input[type=password],input[type=number],input[type=date],select,textarea{font:inherit;padding:.3rem .5rem;border:1px solid var(--line);border-radius:.3rem;width:100%;max-width:32rem}
fieldset{border:1px solid var(--line);border-radius:.3rem;margin:.5rem 0;max-width:32rem}fieldset label{display:inline-flex;gap:.35rem;margin-right:1rem;font-weight:400}
dialog{border:1px solid var(--line);border-radius:.5rem;padding:1.25rem;max-width:40rem;width:95vw}dialog::backdrop{background:#0005}
.filters{display:flex;gap:1rem;align-items:end;flex-wrap:wrap;margin-bottom:1rem}.filters label{margin:0}.filters .check{display:flex;gap:.35rem;align-items:center}
.alert{padding:.6rem .8rem;border-radius:.3rem;margin:.75rem 0;border:1px solid}.alert.error{color:var(--danger);background:#fef3f2}.alert.warn{color:var(--warn);background:#fffaeb}.alert.ok{color:var(--ok);background:#ecfdf3}
.secret{font-family:ui-monospace,monospace;word-break:break-all;background:#fff;border:1px dashed var(--warn);padding:.5rem}
pre{background:#fff;border:1px solid var(--line);padding:.75rem;overflow:auto;font-size:.85rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));gap:1rem}.card{background:#fff;border:1px solid var(--line);border-radius:.4rem;padding:1rem}
svg.chart{width:100%;height:auto;background:#fff}svg .issued{fill:var(--accent)}svg .refused{fill:var(--danger)}svg text{font-size:10px;fill:var(--muted)}
[hidden]{display:none!important}
`;

export const CONSOLE_JS = `
document.addEventListener('click', async (e) => {
  const b = e.target.closest('[data-copy]');
  if (!b) return;
  const src = document.getElementById(b.dataset.copy);
  try { await navigator.clipboard.writeText(src.value ?? src.textContent); b.textContent = 'Copied'; } catch { src.select?.(); }
});
for (const box of document.querySelectorAll('[data-enables]')) {
  const target = document.getElementById(box.dataset.enables);
  const sync = () => { target.disabled = !box.checked; target.setAttribute('aria-disabled', String(!box.checked)); };
  box.addEventListener('change', sync); sync();
}
for (const area of document.querySelectorAll('[data-cidr-warning]')) {
  const warn = document.getElementById(area.dataset.cidrWarning);
  const below = { ipv4: Number(area.dataset.wideIpv4), ipv6: Number(area.dataset.wideIpv6) };
  const wide = (entry) => {
    const m = /^(.+)\\/(\\d+)$/.exec(entry);
    return !!m && Number(m[2]) < (m[1].includes(':') ? below.ipv6 : below.ipv4);
  };
  const check = () => { warn.hidden = !area.value.split(/[\\s,]+/).some(wide); };
  area.addEventListener('input', check); check();
}
for (const sel of document.querySelectorAll('[data-date-when]')) {
  const input = document.getElementById(sel.dataset.dateWhen);
  const sync = () => { input.closest('[data-date-box]').hidden = sel.value !== 'date'; };
  sel.addEventListener('change', sync); sync();
}
`;

/** Content hashes, so the assets can be cached for a year and still change. */
export async function assetVersion(text: string): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return [...d.slice(0, 6)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
