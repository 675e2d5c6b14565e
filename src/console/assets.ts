/** The console's only stylesheet and script, served by keymint itself (no CDN, no inline code). */

/*
 * One type scale (16px body; 14px tables, labels and buttons; 13px code; 18px and 24px
 * headings), one content width shared by the header and the page, and rules that keep
 * every page within a 390 px phone: tables either hide secondary columns or turn into
 * stacked cards, long values truncate with a `title` or wrap anywhere.
 * Generic classes other pages build on: .data-table (+ .stack for cards on phones,
 * cells labelled by data-label), .table-scroll, .filter-bar, .pager, .muted, .truncate
 * (+ .w-s/.w-m/.w-l widths), .visually-hidden, .card/.cards, .kv, .actions, .badge.
 */
export const CONSOLE_CSS = `
:root{--fg:#1d2430;--muted:#5b6577;--line:#dde2ea;--field:#8a94a6;--bg:#f6f7f9;--surface:#fff;--accent:#0b5cad;--accent-strong:#084783;--accent-soft:#eef4fb;--danger:#b42318;--danger-bg:#fef3f2;--ok:#067647;--ok-bg:#ecfdf3;--warn:#93370d;--warn-bg:#fffaeb;--radius:.375rem}
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
h1,h2,h3{line-height:1.25;font-weight:600;margin:0 0 .75rem}
h1{font-size:1.5rem}h2{font-size:1.125rem}h3{font-size:1rem;margin-top:1.5rem}
p{margin:0 0 .75rem}ul{margin:0 0 .75rem;padding-left:1.25rem}
a{color:var(--accent);text-underline-offset:.15em}a:hover{color:var(--accent-strong)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
code,.mono,pre,textarea.code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.8125rem}
code{overflow-wrap:anywhere}
.muted{color:var(--muted)}.small{font-size:.875rem}.nowrap{white-space:nowrap}
.visually-hidden{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
.truncate{display:block;max-width:100%;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.w-s{max-width:7rem}.w-m{max-width:11rem}.w-l{max-width:12rem}
[hidden]{display:none!important}

.wrap{max-width:80rem;margin:0 auto;padding-left:1.5rem;padding-right:1.5rem}
.skip-link{position:absolute;left:1rem;top:-4rem;z-index:10;background:var(--surface);padding:.5rem .75rem;border-radius:var(--radius)}
.skip-link:focus{top:.5rem}
.site-header{background:var(--surface);border-bottom:1px solid var(--line)}
.site-header .wrap{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem 1.5rem;min-height:3.5rem;padding-top:.375rem;padding-bottom:.375rem}
.brand{font-weight:700;font-size:1.125rem;color:var(--fg);text-decoration:none;letter-spacing:-.01em}
.brand:hover{color:var(--fg)}
.site-nav ul{display:flex;flex-wrap:wrap;gap:0 1.25rem;margin:0;padding:0;list-style:none}
.site-nav a{display:block;padding:.5rem 0;color:var(--muted);font-size:.9375rem;font-weight:500;text-decoration:none;border-bottom:2px solid transparent}
.site-nav a:hover{color:var(--fg)}
.site-nav a[aria-current=page]{color:var(--fg);border-bottom-color:var(--accent)}
.account{margin-left:auto;display:flex;flex-wrap:wrap;align-items:center;gap:.5rem .75rem;font-size:.875rem;min-width:0}
.account form{display:flex;align-items:center;gap:.5rem;margin:0}
.account label{margin:0}
.account select{width:auto;max-width:12rem}
.account .who{max-width:16rem}
main{display:block;padding-top:1.5rem;padding-bottom:3rem}
main:focus{outline:none}
.narrow{max-width:36rem}
.page-head{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.75rem 1rem;margin-bottom:1.25rem}
.page-head h1{margin:0;min-width:0;overflow-wrap:anywhere}
.page-head .meta{display:flex;align-items:center;gap:.5rem;flex-wrap:wrap}
.back{display:inline-block;margin-bottom:.5rem;font-size:.875rem}
.lead{max-width:48rem}

button,.button{font:inherit;font-size:.875rem;font-weight:500;line-height:1.25rem;display:inline-flex;align-items:center;justify-content:center;gap:.375rem;min-height:2.25rem;padding:.4375rem .875rem;border:1px solid #c3cad6;border-radius:var(--radius);background:var(--surface);color:var(--fg);text-decoration:none;cursor:pointer;white-space:nowrap}
button:hover,.button:hover{background:#eef1f5;color:var(--fg)}
.primary{background:var(--accent);border-color:var(--accent);color:#fff}
.primary:hover{background:var(--accent-strong);border-color:var(--accent-strong);color:#fff}
.danger{color:var(--danger);border-color:#eeb4ae}
.danger:hover{background:var(--danger-bg);color:var(--danger)}
.danger.solid{background:var(--danger);border-color:var(--danger);color:#fff}
.danger.solid:hover{background:#912018;color:#fff}
button:disabled,button:disabled:hover{opacity:.55;cursor:not-allowed;background:var(--surface);color:var(--fg)}
.primary:disabled,.primary:disabled:hover{background:var(--accent);color:#fff}
form.inline{display:inline}
.actions{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;margin-top:1.25rem}
.actions button,.actions .button,.dialog-actions button,.dialog-actions .button{min-width:7rem}
.row-actions{display:flex;gap:.375rem;justify-content:flex-end}
.row-actions form{margin:0}
.row-actions button{min-width:4.5rem;min-height:2rem;padding:.25rem .5rem}

label{display:block;font-weight:500;font-size:.875rem;margin:1rem 0 .25rem}
form.card>label:first-of-type,.card>form>label:first-of-type{margin-top:0}
input[type=text],input[type=email],input[type=password],input[type=number],input[type=date],input[type=search],select,textarea{font:inherit;font-size:.9375rem;color:var(--fg);background:var(--surface);padding:.4375rem .625rem;border:1px solid var(--field);border-radius:var(--radius);width:100%;max-width:32rem;min-height:2.25rem}
textarea{display:block;max-width:32rem;resize:vertical}
textarea.snippet{max-width:none}
textarea.code{white-space:pre;overflow:auto;line-height:1.45;background:#fbfcfd}
input[readonly]{background:#fbfcfd}
input[type=checkbox],input[type=radio]{width:1.125rem;height:1.125rem;margin:0;accent-color:var(--accent);flex:none}
fieldset{border:1px solid var(--line);border-radius:var(--radius);margin:1rem 0 0;padding:.25rem 1rem 1rem;max-width:32rem;min-width:0}
legend{font-weight:500;font-size:.875rem;padding:0 .25rem}
.help{font-size:.8125rem;color:var(--muted);margin:.25rem 0 0;max-width:32rem}
.checks{display:flex;flex-wrap:wrap;gap:0 1.25rem}
.check{display:inline-flex;align-items:center;gap:.5rem;margin:.75rem 0 0;font-weight:400;font-size:.9375rem}
.choices{border:0;padding:0;margin:1rem 0 0;max-width:none;display:grid;gap:.5rem}
.choices legend{padding:0;margin-bottom:.5rem}
.choice{display:grid;grid-template-columns:auto minmax(0,1fr);gap:.125rem .625rem;align-items:start;padding:.625rem .75rem;border:1px solid var(--line);border-radius:var(--radius)}
.choice:has(input:checked){border-color:var(--accent);background:var(--accent-soft)}
.choice input{margin-top:.125rem}
.choice label{margin:0;font-size:.9375rem;font-weight:600}
.choice p{grid-column:2;margin:0;font-size:.875rem;color:var(--muted)}

.alert{padding:.75rem 1rem;border-radius:var(--radius);margin:0 0 1rem;border:1px solid;border-left-width:4px;max-width:60rem}
.alert.error{color:var(--danger);background:var(--danger-bg);border-color:#f0aca5}
.alert.warn{color:var(--warn);background:var(--warn-bg);border-color:#f5c973}
.alert.ok{color:var(--ok);background:var(--ok-bg);border-color:#8fd5ad}
.alert.info{color:var(--fg);background:var(--accent-soft);border-color:#a9c6e8}
.alert ul{margin:.25rem 0 0}
.badge{display:inline-block;padding:0 .5rem;border-radius:999px;font-size:.75rem;font-weight:600;line-height:1.375rem;border:1px solid;white-space:nowrap}
.badge.active{color:var(--ok);background:var(--ok-bg)}
.badge.disabled{color:var(--warn);background:var(--warn-bg)}
.badge.expired{color:var(--muted);background:#f2f4f7}
.badge.revoked{color:var(--danger);background:var(--danger-bg)}

.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(24rem,100%),1fr));gap:1rem;margin-bottom:1rem;align-items:start}
.card{background:var(--surface);border:1px solid var(--line);border-radius:.5rem;padding:1.25rem;min-width:0;margin-bottom:1rem}
.cards>.card{margin-bottom:0}
.card>:last-child{margin-bottom:0}
.card h2{margin-bottom:.75rem}
.empty{text-align:center;padding:2.5rem 1.5rem}
.empty p{max-width:36rem;margin-left:auto;margin-right:auto}
.kv{display:grid;grid-template-columns:minmax(7rem,max-content) minmax(0,1fr);gap:.5rem 1.25rem;margin:0}
.kv dt{color:var(--muted);font-size:.875rem;padding-top:.0625rem}
.kv dd{margin:0;overflow-wrap:anywhere;min-width:0}
.kv ul{padding-left:1rem;margin:0}
.repo{display:inline-flex;flex-direction:column;line-height:1.35;vertical-align:middle}
.setting{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.75rem 1.5rem;padding:.875rem 0;border-top:1px solid var(--line)}
.setting:first-of-type{border-top:0;padding-top:0}
.setting p{margin:0;flex:1 1 14rem;max-width:40rem}
.setting>form{flex:none}
.setting button{min-width:6.5rem}

.data-table{width:100%;border-collapse:separate;border-spacing:0;background:var(--surface);font-size:.875rem;border:1px solid var(--line);border-radius:.5rem;margin-bottom:1rem}
.data-table caption{caption-side:top;text-align:left;padding:0 0 .5rem;color:var(--muted);font-size:.875rem}
.data-table th,.data-table td{text-align:left;padding:.625rem .5rem;border-bottom:1px solid var(--line);vertical-align:middle;white-space:nowrap}
.data-table th{font-size:.8125rem;font-weight:600;color:var(--muted);background:#f9fafb}
.data-table thead th:first-child{border-top-left-radius:.5rem}.data-table thead th:last-child{border-top-right-radius:.5rem}
.data-table tbody tr:last-child td{border-bottom:0}
.data-table tbody tr:hover td{background:#fafbfc}
.data-table td.wrap-cell{white-space:normal}
.data-table .mono{font-size:.8125rem}
.data-table td.cell-actions{text-align:right}
.data-table.fixed{table-layout:fixed}
.data-table.fixed td:not(.cell-actions),.data-table.fixed th{overflow:hidden;text-overflow:ellipsis}
.keys-table .c-name{width:17%}.keys-table .c-client{width:12%}.keys-table .c-secret{width:9%}.keys-table .c-status{width:8%}.keys-table .c-scopes{width:14%}.keys-table .c-date{width:10%}.keys-table .c-created{width:20%}.keys-table .c-actions{width:15rem}
.table-scroll{overflow-x:auto;margin-bottom:1rem}
.table-scroll>.data-table{margin-bottom:0}
.filter-bar,.filters{display:flex;flex-wrap:wrap;align-items:flex-end;gap:.75rem 1rem;margin:0 0 1rem;padding:.75rem 1rem;background:var(--surface);border:1px solid var(--line);border-radius:.5rem}
.filter-bar label,.filters label{margin:0 0 .25rem}
.filter-bar .check,.filters .check{margin:0;min-height:2.25rem}
.filter-bar input,.filter-bar select,.filters input,.filters select{width:auto;min-width:10rem}
.filter-bar input[type=checkbox],.filters input[type=checkbox]{min-width:0}
.pager{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:.75rem;margin:1rem 0}

dialog{font-size:1rem;font-weight:400;text-align:left;white-space:normal;border:1px solid var(--line);border-radius:.5rem;padding:1.5rem;width:min(36rem,calc(100vw - 2rem));max-width:none;color:var(--fg);background:var(--surface);box-shadow:0 16px 40px #0f172a33}
dialog::backdrop{background:#0f172a73}
dialog h2{font-size:1.25rem}
dialog.page-dialog{position:static;display:block;margin:0 0 1rem;width:auto;max-width:44rem;box-shadow:none}
.dialog-actions{display:flex;flex-wrap:wrap;justify-content:flex-end;gap:.5rem;margin-top:1.5rem}
input.mono,input.secret{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.875rem}
input.secret{background:#fffdf5;border-style:dashed;border-color:#c4801b}
.copy-row{display:flex;gap:.5rem;align-items:stretch}
.copy-row input{max-width:none;flex:1;min-width:0}
pre{background:var(--surface);border:1px solid var(--line);border-radius:var(--radius);padding:.75rem;overflow:auto;max-width:100%}
figure{margin:0 0 1rem}



@media (max-width:79.99rem){.data-table .col-xl{display:none}}
@media (max-width:63.99rem){.data-table .col-lg{display:none}}
@media (max-width:45rem){
.wrap{padding-left:1rem;padding-right:1rem}
.site-header .wrap{gap:0 1rem}
.site-nav{order:3;flex-basis:100%;min-width:0}
.site-nav ul{gap:0 1.125rem}
.account{flex-basis:100%;margin-left:0;justify-content:space-between}
.account .who{max-width:9rem}
main{padding-top:1rem}
h1{font-size:1.25rem}
.kv{grid-template-columns:minmax(0,1fr);gap:0}
.kv dt{margin-top:.625rem}
.filter-bar>*,.filters>*{flex:1 1 100%}
.filter-bar input:not([type=checkbox]),.filter-bar select,.filters input:not([type=checkbox]),.filters select{width:100%}
.data-table.stack,.data-table.stack tbody,.data-table.stack tr,.data-table.stack td{display:block;width:100%}
.data-table.stack{border:0;background:none;margin-bottom:.5rem}
.data-table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0)}
.data-table.stack caption{display:block}
.data-table.stack tr{background:var(--surface);border:1px solid var(--line);border-radius:.5rem;padding:.5rem .875rem;margin-bottom:.75rem}
.data-table.stack tbody tr:hover td{background:none}
.data-table.stack td,.data-table.stack .col-lg{display:flex;justify-content:space-between;align-items:center;gap:1rem;padding:.3125rem 0;border:0;white-space:normal;min-width:0;text-align:right}
.data-table.stack td>*{min-width:0}
.data-table.stack td[data-label]::before{content:attr(data-label);flex:none;color:var(--muted);font-size:.8125rem;text-align:left}
.data-table.stack td.cell-title{font-size:1rem;font-weight:600;padding-bottom:.5rem}
.data-table.stack td.cell-title::before{display:none}
.data-table.stack td.cell-actions{border-top:1px solid var(--line);margin-top:.5rem;padding-top:.75rem}
.data-table.stack .row-actions{justify-content:flex-start;flex-wrap:wrap}
.data-table.stack .truncate{max-width:13rem}
.data-table.stack .col-xl{display:none}
.page-head .primary{flex:1 1 auto}
.dialog-actions>*{flex:1 1 auto}
dialog{padding:1.25rem}
}
@media (prefers-reduced-motion:no-preference){:focus-visible{transition:outline-offset .1s}}

/* audit, usage, invites */
.audit-table td{white-space:normal;vertical-align:top}
.audit-table .audit-when{white-space:nowrap;width:9.5rem}
.audit-table .audit-action{width:10rem;font-weight:500}
.audit-table .audit-who{width:12rem;max-width:12rem}
.audit-table .audit-from{width:10.5rem}
.audit-details{min-width:14rem}
.audit-party{display:flex;flex-direction:column;min-width:0}
.audit-party .truncate{max-width:11.5rem}
.audit-details dl{margin:0}
.audit-details dl>div{display:flex;flex-wrap:wrap;gap:0 .375rem}
.audit-details dt{color:var(--muted)}
.audit-details dt::after{content:":"}
.audit-details dd{margin:0;min-width:0;overflow-wrap:anywhere}
.audit-ids summary{cursor:pointer;color:var(--accent);font-size:.8125rem;width:max-content;margin-top:.125rem}
.audit-ids dl{margin-top:.25rem;font-size:.8125rem}
.audit-from>*{display:block;overflow-wrap:anywhere}
.audit-filter-actions{display:flex;gap:.5rem}
.usage-chart{margin:0}
.usage-chart figcaption{font-weight:600;margin-bottom:.5rem}
.chart-legend{display:flex;flex-wrap:wrap;gap:.25rem 1.5rem;list-style:none;padding:0;margin:0 0 .75rem}
.chart-legend li{display:flex;align-items:center;gap:.5rem}
.chart-swatch{width:1rem;height:1rem;flex:none;overflow:visible}
.chart-body{display:grid;grid-template-columns:auto minmax(0,1fr);gap:0 .5rem;padding-top:.5rem}
.chart-y{display:flex;flex-direction:column;justify-content:space-between;align-items:flex-end;height:calc(10rem + 1em);margin-top:-.5em;line-height:1;color:var(--muted);font-variant-numeric:tabular-nums}
.chart-plot{min-width:0}
svg.usage-plot{display:block;width:100%;height:10rem;background:var(--surface);overflow:visible}
.usage-plot .grid{stroke:var(--line);stroke-width:1}
.bar-issued{fill:var(--accent)}
.bar-refused{stroke:var(--danger);stroke-width:1.5;stroke-dasharray:4 2}
.hatch-bg{fill:var(--danger-bg)}.hatch-line{fill:var(--danger)}
.chart-x{display:flex;margin-top:.375rem;color:var(--muted);line-height:1.25}
.chart-x span{flex:1 1 0;min-width:0;display:flex;justify-content:center;white-space:nowrap}
.chart-note{font-size:.875rem;margin:.5rem 0}
.chart-table summary{cursor:pointer;color:var(--accent);font-size:.875rem;width:max-content}
.chart-table .data-table{margin-top:.5rem;max-width:28rem}
.chart-table tbody th,.chart-table tfoot th{font-weight:400;font-size:.875rem;color:var(--fg);background:none}
.chart-table tbody tr:last-child th{border-bottom:0}
.chart-table tfoot th,.chart-table tfoot td{border-top:1px solid var(--line);border-bottom:0;font-weight:600}
.chart-table td{text-align:right;font-variant-numeric:tabular-nums}
.setup-orgs{list-style:none;padding:0;margin:0 0 1rem;display:grid;gap:.5rem}
.setup-orgs li.card{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5rem 1rem;margin:0;padding:.75rem 1rem}
.invite-reveal .copy-row{margin-bottom:.5rem}
.member-email{overflow-wrap:anywhere}
.setup-section{margin-top:1.5rem}
@media (max-width:45rem){
.audit-table.stack td.audit-details{flex-direction:column;align-items:flex-start;text-align:left;gap:.25rem}
.audit-table.stack td{width:auto;max-width:none}
.audit-table.stack .audit-party{align-items:flex-end}
.chart-x .minor{visibility:hidden}
}
`;

export const CONSOLE_JS = `
// Progressive enhancement only: every page and form works without this script.

// Dialogs. A button with data-dialog="<id>" sits in a GET form that, without script, leads
// to a confirmation page; here it opens <dialog id> as a modal instead: focus moves into
// it (its autofocus control), the page behind is inert, Escape or Cancel closes it, and
// focus returns to the button that opened it.
const openedBy = new WeakMap();
document.addEventListener('click', (e) => {
  const el = e.target instanceof Element ? e.target : null;
  if (!el) return;
  const opener = el.closest('[data-dialog]');
  if (opener) {
    const dialog = document.getElementById(opener.dataset.dialog);
    if (dialog instanceof HTMLDialogElement) {
      e.preventDefault();
      openedBy.set(dialog, opener);
      if (!dialog.open) dialog.showModal();
    }
    return;
  }
  const closer = el.closest('[data-close]');
  if (closer) {
    closer.closest('dialog')?.close();
    return;
  }
  const copy = el.closest('[data-copy]');
  if (copy) copyFrom(copy);
});
// 'close' does not bubble; a capturing listener still sees it.
document.addEventListener('close', (e) => {
  const dialog = e.target;
  if (!(dialog instanceof HTMLDialogElement)) return;
  // A cancelled dialog forgets its choices, so reopening it starts from the safe defaults.
  for (const form of dialog.querySelectorAll('form')) form.reset();
  for (const el of dialog.querySelectorAll('[data-cidr-warning]')) el.dispatchEvent(new Event('input'));
  for (const el of dialog.querySelectorAll('[data-date-when]')) el.dispatchEvent(new Event('change'));
  const opener = openedBy.get(dialog);
  if (opener && opener.isConnected) opener.focus();
}, true);

async function copyFrom(button) {
  const src = document.getElementById(button.dataset.copy);
  if (!src) return;
  // The label may hold visually hidden words ("Copy<span> the curl command</span>").
  button.dataset.label ??= button.innerHTML;
  try {
    await navigator.clipboard.writeText(src.value ?? src.textContent);
    button.textContent = 'Copied';
    setTimeout(() => { button.innerHTML = button.dataset.label; }, 2000);
  } catch {
    src.focus();
    src.select?.();
  }
}

// A checkbox that must be ticked before a button works (the secret's acknowledgement).
for (const box of document.querySelectorAll('[data-enables]')) {
  const target = document.getElementById(box.dataset.enables);
  const sync = () => { target.disabled = !box.checked; };
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
  const box = input.closest('[data-date-box]');
  const sync = () => { box.hidden = sel.value !== 'date'; input.required = sel.value === 'date'; };
  sel.addEventListener('change', sync); sync();
}
`;

/** Content hashes, so the assets can be cached for a year and still change. */
export async function assetVersion(text: string): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return [...d.slice(0, 6)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
