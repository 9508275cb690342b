/**
 * View templates (Handlebars). Every collected value is inserted with `{{ }}` and therefore escaped;
 * the only triple-stashes are `{{{bannerHtml}}}`, itself rendered from {@link BANNER_TEMPLATE}, and
 * `{{{css}}}`, the constant {@link PAGE_CSS} (entities are not decoded inside `<style>`).
 * Fonts are local system fonts (DejaVu), so the same machine renders the same pixels.
 */

/** Shared CSS for every captured page. */
export const PAGE_CSS = `
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; background: #ffffff; color: #16191f; }
body { font-family: 'DejaVu Sans', 'Liberation Sans', sans-serif; font-size: 14px; line-height: 1.4; }
.stamp { background: #16191f; color: #ffffff; padding: 10px 16px; border-bottom: 4px solid #ff9900; }
.stamp.sandbox { border-bottom-color: #d13212; }
.stamp .sandbox-label { display: inline-block; background: #d13212; color: #fff; font-weight: bold;
  padding: 2px 8px; margin-bottom: 6px; letter-spacing: 0.5px; }
.stamp table { border-collapse: collapse; width: 100%; }
.stamp th { text-align: left; color: #ffb84d; font-weight: normal; padding: 1px 12px 1px 0; white-space: nowrap;
  vertical-align: top; width: 1%; }
.stamp td { font-family: 'DejaVu Sans Mono', monospace; font-size: 13px; padding: 1px 0; word-break: break-all; }
main { padding: 16px 20px 24px; }
h1 { font-size: 20px; margin: 0 0 4px; }
.subtitle { color: #545b64; margin: 0 0 16px; word-break: break-all; }
section { border: 1px solid #d5dbdb; margin: 0 0 16px; }
section h2 { font-size: 15px; margin: 0; padding: 8px 12px; background: #f2f3f3; border-bottom: 1px solid #d5dbdb; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; padding: 8px 12px;
  border-bottom: 1px solid #eaeded; }
dl.meta dt { color: #545b64; }
dl.meta dd { margin: 0; font-family: 'DejaVu Sans Mono', monospace; font-size: 12.5px; word-break: break-all; }
pre.json { margin: 0; padding: 10px 12px; font-family: 'DejaVu Sans Mono', monospace; font-size: 12.5px;
  white-space: pre-wrap; word-break: break-all; }
table.data { border-collapse: collapse; width: 100%; font-size: 13px; }
table.data th, table.data td { border-bottom: 1px solid #eaeded; text-align: left; padding: 4px 12px;
  vertical-align: top; word-break: break-all; }
table.data th { background: #fafafa; }
.outcome-ok { color: #1d8102; } .outcome-absent { color: #545b64; }
.outcome-denied, .outcome-error { color: #d13212; font-weight: bold; }
.note { padding: 8px 12px; color: #545b64; }
.composite img { display: block; border-top: 1px solid #d5dbdb; }
`;

/** The stamp banner (top of every image). */
export const BANNER_TEMPLATE = `<header class="stamp{{#if sandboxLabel}} sandbox{{/if}}" id="evidence-stamp">
{{#if sandboxLabel}}<div class="sandbox-label">{{sandboxLabel}}</div>{{/if}}
<table>
<tr><th>Account</th><td>{{account}}</td></tr>
<tr><th>Region</th><td>{{region}}</td></tr>
<tr><th>Resource</th><td>{{resource}}</td></tr>
<tr><th>{{timeLabel}}</th><td>{{time}}</td></tr>
<tr><th>Source</th><td>{{source}}</td></tr>
<tr><th>Identity</th><td>{{identity}}</td></tr>
{{#if supports}}<tr><th>Supports</th><td>{{supports}}</td></tr>{{/if}}
</table>
</header>`;

/** A rendered view of one evidence item: one section per recorded call. */
export const API_VIEW_TEMPLATE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{title}}</title><style>{{{css}}}</style></head>
<body>
{{{bannerHtml}}}
<main>
<h1>{{title}}</h1>
<p class="subtitle">{{subtitle}}</p>
{{#each sections}}
<section>
<h2>{{heading}}</h2>
<dl class="meta">
<dt>Operation</dt><dd>{{service}} {{operation}}</dd>
<dt>Outcome</dt><dd class="outcome-{{outcome}}">{{outcome}}{{#if httpStatus}} (HTTP {{httpStatus}}){{/if}}{{#if errorName}} — {{errorName}}{{/if}}</dd>
{{#if errorMessage}}<dt>Error message</dt><dd>{{errorMessage}}</dd>{{/if}}
<dt>Request id</dt><dd>{{requestId}}</dd>
{{#if extendedRequestId}}<dt>Extended request id</dt><dd>{{extendedRequestId}}</dd>{{/if}}
<dt>Call time (UTC)</dt><dd>{{callTime}}</dd>
<dt>Record</dt><dd>{{recordRef}}</dd>
<dt>Record sha256</dt><dd>{{sha256}}</dd>
<dt>Input</dt><dd>{{input}}</dd>
</dl>
{{#if table}}
<table class="data">
<tr>{{#each table.columns}}<th>{{this}}</th>{{/each}}</tr>
{{#each table.rows}}<tr>{{#each this}}<td>{{this}}</td>{{/each}}</tr>{{/each}}
</table>
{{/if}}
{{#if note}}<div class="note">{{note}}</div>{{/if}}
{{#if json}}<pre class="json">{{json}}</pre>{{/if}}
</section>
{{/each}}
{{#each missing}}
<section><h2>{{heading}}</h2><div class="note">Record not available: {{reason}}</div></section>
{{/each}}
</main>
</body></html>`;

/** A console screenshot embedded under the stamp banner (the composite keeps the stamp in the PNG). */
export const COMPOSITE_TEMPLATE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{title}}</title><style>{{{css}}}</style></head>
<body class="composite">
{{{bannerHtml}}}
<img id="console-image" alt="{{title}}" src="{{imageDataUri}}" width="{{width}}" height="{{height}}">
</body></html>`;
