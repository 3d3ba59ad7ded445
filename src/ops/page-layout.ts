// The frame of every operations page: inline CSS (the Content-Security-Policy allows nothing else),
// system fonts, a navigation bar, and the time the page was read.
import { html, SafeHtml } from './html.js';
import { formatTime } from './page-format.js';

// A constant of this module, emitted as is: <style> is raw text, where entities would not be decoded.
const STYLE = new SafeHtml(`
:root { color-scheme: light; --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --bg: #f5f7fa; --accent: #1d4ed8; --warn: #b45309; --bad: #b91c1c; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: var(--bg); }
header { display: flex; align-items: baseline; gap: 24px; padding: 10px 24px; background: #102a43; color: #f0f4f8; }
header .brand { font-weight: 700; letter-spacing: .02em; }
header nav a { color: #bcccdc; text-decoration: none; margin-right: 16px; }
header nav a[aria-current="page"] { color: #fff; border-bottom: 2px solid #fff; }
header .stamp { margin-left: auto; font-size: 12px; color: #9fb3c8; }
main { padding: 16px 24px 40px; max-width: 1400px; }
h1 { font-size: 20px; margin: 8px 0 12px; }
h2 { font-size: 16px; margin: 28px 0 8px; }
h2 .count { display: inline-block; min-width: 22px; padding: 0 7px; border-radius: 11px; background: var(--bad); color: #fff; font-size: 12px; text-align: center; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 4px 16px 16px; margin-bottom: 16px; }
p.hint, .muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
a { color: var(--accent); }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
.kind { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.kind-needs_attention { background: #fde2e2; color: var(--bad); }
.kind-outcome_open { background: #fff1d6; color: var(--warn); }
.kind-capture_declined { background: #e0e8f9; color: #243b53; }
.state { display: inline-block; padding: 0 6px; border-radius: 4px; background: #e4e7eb; font-size: 12px; }
ul.commands { list-style: none; margin: 0; padding: 0; }
ul.commands li { margin: 0 0 6px; }
code.cmd { display: block; padding: 4px 8px; background: #102a43; color: #f0f4f8; border-radius: 4px; user-select: all; -webkit-user-select: all; cursor: text; white-space: pre-wrap; overflow-wrap: anywhere; }
table.attention td.run { width: 40%; }
table.attention td.what { width: 24%; }
table.attention td.mono, table.holds td { white-space: nowrap; }
.meaning { display: block; font-size: 12px; color: var(--muted); }
.charts { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
figure { margin: 0; }
figcaption { font-size: 12px; color: var(--muted); }
svg.chart { max-width: 100%; height: auto; background: #fff; }
svg.chart text { font: 10px system-ui, sans-serif; fill: var(--ink); }
svg.chart text.day { fill: var(--muted); }
svg.chart .axis { stroke: #9fb3c8; stroke-width: 1; }
table.chart-data { width: auto; margin-top: 8px; }
details summary { cursor: pointer; color: var(--muted); }
form.search { display: flex; flex-wrap: wrap; gap: 8px; align-items: end; margin: 8px 0 12px; }
form.search label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); }
form.search input, form.search select { font: inherit; padding: 4px 6px; border: 1px solid var(--line); border-radius: 4px; }
form.search button { font: inherit; padding: 5px 14px; border: 0; border-radius: 4px; background: var(--accent); color: #fff; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 8px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
pre { margin: 4px 0; padding: 8px; background: var(--bg); border: 1px solid var(--line); border-radius: 4px; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
.exchange { border-top: 1px solid var(--line); padding-top: 8px; margin-top: 8px; }
.exchange .pair { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.error { color: var(--bad); font-weight: 600; }
.pager { margin-top: 10px; }
`);

/** A complete HTML document around `body`. */
export function page(options: { title: string; now: number; active: 'overview' | 'holds'; body: SafeHtml }): string {
  const current = (name: 'overview' | 'holds') => (options.active === name ? html` aria-current="page"` : null);
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer">
<title>${options.title} · holdfast</title><link rel="icon" href="data:,"><style>${STYLE}</style></head>
<body><header><span class="brand">holdfast · operations</span><nav><a href="/"${current('overview')}>Overview</a><a href="/holds"${current('holds')}>Holds</a></nav><span class="stamp">read-only · ${formatTime(options.now)}</span></header>
<main>${options.body}</main></body></html>
`.text;
}
