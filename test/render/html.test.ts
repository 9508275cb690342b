import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { breakableHtml, loadTemplates, renderHtml } from '../../src/render/html.ts';
import { buildReportModel } from '../../src/render/view-model.ts';
import { buildFixtureConfig, buildFixtureInput, XSS_TAG } from '../support/report-estate.ts';

function render(overrides = {}) {
  return renderHtml(buildReportModel(buildFixtureInput(overrides)), loadTemplates());
}

describe('renderHtml', () => {
  it('escapes hostile tag values and never evaluates data as a template', () => {
    const html = render().replace(/<wbr>|<span class="nobr">|<\/span>/g, '');
    expect(html).not.toContain(XSS_TAG);
    expect(html).not.toMatch(/<img src=x/i);
    expect(html).toContain('note&#x3D;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(html).toContain('template&#x3D;{{constructor}}');
    expect(html).not.toContain('function Object()');
    expect(html).toContain('Acme Corp &amp; Partners &lt;EU&gt;');
  });

  it('embeds the stylesheet and loads nothing from outside the document', () => {
    const html = render();
    expect(html).toContain('<style>/* evidence-pack report stylesheet');
    expect(html).not.toMatch(/<(script|link|iframe)\b/i);
    expect(html).not.toMatch(/\bsrc="(?!data:)/);
    expect(html).toContain("default-src 'none'");
  });

  it('embeds the configured logo as a data URI', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ep-logo-'));
    const logo = join(dir, 'logo.png');
    writeFileSync(logo, Buffer.from('89504e470d0a1a0a', 'hex'));
    const html = render({ config: buildFixtureConfig({ report: { logo } }) });
    expect(html).toContain('<img class="logo" src="data:image/png;base64,iVBORw0KGgo&#x3D;" alt="Logo">');
  });

  it('draws one status bar per criterion as inline SVG from the counts', () => {
    const input = buildFixtureInput();
    const html = render();
    expect(html.match(/<svg /g)).toHaveLength(input.evaluation.criteria.length);
    const counts = input.evaluation.summary.byCriterion['CC6.6']!;
    const label = html.match(/aria-label="([^"]*)"/)![1]!;
    expect(label).toContain(`${counts.fail} Fail`);
    expect(label).toContain(`${counts['insufficient-evidence']} Insufficient evidence`);
    expect(label).toContain(`${counts.pass} Pass`);
  });

  it('lets report.templatesDir override a partial or the stylesheet by file name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ep-tpl-'));
    mkdirSync(join(dir, 'partials'));
    writeFileSync(
      join(dir, 'partials', 'cover.hbs'),
      '<section class="custom-cover">{{meta.organization}} audited</section>',
    );
    writeFileSync(join(dir, 'report.css'), 'body { color: black; }');
    const templates = loadTemplates(dir);
    expect(templates.overridden).toEqual(['report.css', 'partials/cover.hbs']);
    const html = renderHtml(buildReportModel(buildFixtureInput()), templates);
    expect(html).toContain(
      '<section class="custom-cover">Acme Corp &amp; Partners &lt;EU&gt; audited</section>',
    );
    expect(html).toContain('<style>body { color: black; }</style>');
    expect(html).toContain('id="inventory"');
  });

  it('does not let templates reach prototype properties', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ep-proto-'));
    writeFileSync(
      join(dir, 'report.hbs'),
      '[{{meta.constructor.name}}][{{meta.__proto__}}][{{meta.organization}}]',
    );
    const html = renderHtml(buildReportModel(buildFixtureInput()), loadTemplates(dir));
    expect(html).toBe('[][][Acme Corp &amp; Partners &lt;EU&gt;]');
  });

  it('rejects a missing override directory', () => {
    expect(() => loadTemplates('/nonexistent/templates')).toThrow(/does not exist/);
  });
});

describe('breakableHtml', () => {
  it('escapes first and only adds <wbr>', () => {
    expect(breakableHtml('arn:aws:s3:::a<b>')).toBe('arn:<wbr>aws:<wbr>s3:<wbr>:<wbr>:<wbr>a&lt;b&gt;');
    expect(breakableHtml('2026-03-31')).toBe('<span class="nobr">2026-03-31</span>');
    expect(breakableHtml('ab'.repeat(32))).toBe('ab'.repeat(32));
  });

  it('breaks identifiers only at separators, never after the hyphen of a short word', () => {
    expect(breakableHtml('s3.not-public, us-east-1')).toBe(
      '<span class="nobr">s3.not-public,</span> <span class="nobr">us-east-1</span>',
    );
    // A check id stays whole.
    expect(breakableHtml('s3.bucket-public-access-block')).toBe(
      '<span class="nobr">s3.bucket-public-access-block</span>',
    );
    // A bucket name longer than 30 characters may break after its hyphens.
    expect(breakableHtml('acme-customer-data-prod-archive-2026')).toBe(
      'acme-<wbr>customer-<wbr>data-<wbr>prod-<wbr>archive-<wbr>2026',
    );
    expect(breakableHtml('<img src=x onerror=alert(1)>').replace(/<wbr>/g, '')).toBe(
      '&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;',
    );
  });
});

describe('changes since the previous pack', () => {
  const changes = {
    previousName: 'evidence-pack_111122223333_20260826T120000Z.zip',
    previousSha256: 'ab'.repeat(32),
    previousAsOfLabel: '2026-08-26 12:00:00 UTC',
    changed: true,
    text: `Buckets\n  ~ 111122223333/acme-logs (us-east-1)\n      policy: none → 1 statement ${XSS_TAG}`,
  };

  it('renders the diff text verbatim and escaped, naming the previous pack', () => {
    const html = renderHtml(buildReportModel({ ...buildFixtureInput(), changes }), loadTemplates());
    expect(html).toContain('Changes since the previous pack');
    expect(html).toContain(changes.previousName);
    expect(html).toContain('~ 111122223333/acme-logs (us-east-1)');
    expect(html).not.toContain(XSS_TAG);
    expect(html).toContain('&lt;img');
  });

  it('says so when nothing changed, and is absent without --previous', () => {
    const none = renderHtml(
      buildReportModel({ ...buildFixtureInput(), changes: { ...changes, changed: false, text: '' } }),
      loadTemplates(),
    );
    expect(none).toContain('No changes since the previous pack.');
    const without = renderHtml(buildReportModel(buildFixtureInput()), loadTemplates());
    expect(without).not.toContain('Changes since the previous pack');
  });
});
