import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import { loadTemplates, renderHtml } from '../../src/render/html.ts';
import { renderPdfWithPdfkit } from '../../src/render/pdf-fallback.ts';
import { buildReportModel } from '../../src/render/view-model.ts';
import { orgSnapshot } from '../support/organization.ts';
import { account, config, snapshot } from '../support/snapshot.ts';
import { pdfText, squash } from './pdf-text.ts';

async function model(withOrg: boolean) {
  const snap = snapshot([account({})]);
  if (withOrg) snap.organization = orgSnapshot();
  const cfg = config({});
  return buildReportModel({
    snapshot: snap,
    evaluation: await evaluate(snap, cfg),
    config: cfg,
    evidenceIndex: [],
    evidenceDigest: `sha256:${'00'.repeat(32)}`,
    screenshots: [],
    renderer: 'pdfkit',
    toolVersion: '0.0.0',
  });
}

describe('the Organization section', () => {
  it('reconciles the population, shows the OU tree, every account with its coverage and where each policy is attached', async () => {
    const m = await model(true);
    const o = m.organization;
    expect(o?.reconciliation).toMatch(/^4 accounts in the organization: 2 read, 1 not read, 1 gap /);
    expect(o?.ouTree.rows.map((r) => [r.cells[0]?.text.trim(), r.cells[4]?.text, r.cells[5]?.text])).toEqual([
      ['Root', '4', '2'],
      ['└\u00a0Workloads', '2', '1'],
      ['└\u00a0Prod', '1', '1'],
    ]);
    // Gaps first, with the error and request id.
    expect(o?.accounts.rows[0]?.cells.map((c) => c.text)).toEqual(
      expect.arrayContaining(['444455556666', 'gap', expect.stringMatching(/AccessDenied.*rid-assume-1/)]),
    );
    expect(o?.policies.rows[0]?.cells.map((c) => c.text)).toEqual(
      expect.arrayContaining([
        'RCP',
        'tls-only',
        'OU Prod',
        expect.stringMatching(/EnforceSecureTransport: Deny s3:\*/),
      ]),
    );
    const html = renderHtml(m, loadTemplates());
    expect(html).toContain('id="organization"');
    expect(html).toContain('rid-assume-1');
    const pdf = squash(pdfText(await renderPdfWithPdfkit(m)));
    expect(pdf).toContain(squash('4 accounts in the organization: 2 read, 1 not read, 1 gap'));
    expect(pdf).toContain('tls-only');
  });

  it('is absent when the organization was not discovered', async () => {
    const m = await model(false);
    expect(m.organization).toBeUndefined();
    expect(m.sections.map((s) => s.id)).not.toContain('organization');
    expect(renderHtml(m, loadTemplates())).not.toContain('id="organization"');
  });
});
