"""The page's one stylesheet, inline: readable on screen down to a phone's width (wide tables
scroll in their own region, long values wrap), visible focus, printable (the failed steps
whole, every other step's line and facts, nothing cut at the margin; navigation left out).
Verdicts are words first; colour only repeats them."""

from __future__ import annotations

__all__ = ["STYLE"]

STYLE = """\
:root { --fg: #1b1b1b; --muted: #595959; --line: #c8c8c8; --pass: #0b6b2b; --fail: #b00020;
  --error: #7b1fa2; --skip: #805b00; --del: #ffe3e3; --ins: #dff5e3; --focus: #1a5fb4; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 80rem; padding: 0 1rem 3rem; color: var(--fg);
  background: #fff; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
code, pre, .cell { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
  font-size: 0.875rem; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0.25rem 0; }
a { color: var(--focus); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip-link { position: absolute; left: 1rem; top: -4rem; background: #fff; padding: 0.5rem;
  border: 2px solid var(--focus); }
.skip-link:focus { top: 0.5rem; }
header { border-bottom: 1px solid var(--line); margin-bottom: 1rem; }
h1 { font-size: 1.6rem; margin: 1rem 0 0.25rem; }
h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.1rem; margin: 1.5rem 0 0.5rem; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; min-width: min(20rem, 100%); }
caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
th, td { border: 1px solid var(--line); padding: 0.25rem 0.5rem; text-align: left;
  vertical-align: top; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.verdict { font-weight: 700; }
.verdict.passed { color: var(--pass); }
.verdict.failed { color: var(--fail); }
.verdict.error { color: var(--error); }
.verdict.skipped { color: var(--skip); }
.outcome { font-size: 1.15rem; padding: 0.5rem 0.75rem; border: 2px solid var(--pass);
  border-left-width: 10px; background: #eef8f0; }
.outcome.failed { border-color: var(--fail); background: #fdeef0; }
.outcome.interrupted { border-color: var(--skip); background: #fdf6e3; }
.outcome strong { color: var(--pass); }
.outcome.failed strong { color: var(--fail); }
.outcome.interrupted strong { color: var(--skip); }
dl.about { display: grid; grid-template-columns: max-content 1fr; gap: 0 1rem; }
dl.about dt { color: var(--muted); }
dl.about dd { margin: 0; overflow-wrap: anywhere; }
.overall { font-weight: 600; padding: 0.5rem; border-left: 6px solid var(--pass); }
.overall.failed { border-color: var(--fail); }
.overall.interrupted { border-color: var(--skip); }
.wide { max-width: 100%; overflow-x: auto; }
table.attention { width: 100%; }
table.attention td.message { overflow-wrap: anywhere; }
tr.response th { font-weight: 400; padding-left: 1.75rem; }
tr.failing th, tr.failing td:first-of-type { color: var(--fail); }
.change { border: 1px solid currentColor; border-radius: 0.25rem; padding: 0 0.3rem;
  font-size: 0.85rem; white-space: nowrap; }
.change-new_failure { color: var(--fail); font-weight: 700; }
.change-fixed { color: var(--pass); font-weight: 700; }
.change-still_failing { color: var(--error); }
.change-new { color: var(--focus); }
.change-unchanged { color: var(--muted); }
ol.steps { list-style: none; padding: 0; }
li.step { border: 1px solid var(--line); border-left-width: 6px; margin: 0.5rem 0;
  padding: 0.25rem 0.75rem; }
li.step.passed { border-left-color: var(--pass); }
li.step.failed { border-left-color: var(--fail); }
li.step.error { border-left-color: var(--error); }
li.step.skipped { border-left-color: var(--skip); }
summary { cursor: pointer; padding: 0.25rem 0; overflow-wrap: anywhere; }
li code, summary code { overflow-wrap: anywhere; }
summary .where { color: var(--muted); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0 1rem; margin: 0.5rem 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
ul.problems { padding-left: 1.25rem; }
ul.problems li.note { color: var(--muted); }
table.compare { width: 100%; table-layout: fixed; }
table.compare td { white-space: pre-wrap; overflow-wrap: anywhere; }
table.compare tr.changed td.documented { background: var(--del); }
table.compare tr.changed td.real { background: var(--ins); }
table.compare del, table.compare ins { text-decoration: none; }
table.compare td.gap { color: var(--muted); font-style: italic; }
nav ol { padding-left: 1.25rem; }
@media (max-width: 40rem) {
  /* On a phone each step that needs attention is a card: its cells one under the other,
     each named, rather than five columns scrolled sideways. */
  table.attention thead { position: absolute; width: 1px; height: 1px; overflow: hidden;
    clip-path: inset(50%); }
  table.attention tr { display: block; border: 1px solid var(--line); margin: 0 0 0.5rem; }
  table.attention th, table.attention td { display: block; border: 0; }
  table.attention td[data-label]::before { content: attr(data-label) ": ";
    color: var(--muted); }
}
@media print {
  body { max-width: none; font-size: 11pt; }
  .skip-link, nav { display: none; }
  details::details-content { content-visibility: visible; display: block; }
  /* A passing step's request and answer would make a hundred pages of what went right. */
  li.step:not(.failed):not(.error) details.exchange { display: none; }
  .wide { overflow: visible; }
  table { width: 100%; }
  /* Words wrap whole; only a path or a request, with no space to wrap at, may break
     anywhere, so that no table is wider than the paper and no word is cut in two. */
  th, td { overflow-wrap: break-word; }
  td code, th a { overflow-wrap: anywhere; }
  .wide table:not(.attention) { table-layout: fixed; }
  summary { break-after: avoid; }
  li.step:not(.failed):not(.error) { break-inside: avoid; }
  tr, pre { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""
