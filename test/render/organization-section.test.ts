import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import { loadTemplates, renderHtml } from '../../src/render/html.ts';
import { renderPdfWithPdfkit } from '../../src/render/pdf-fallback.ts';
import { buildReportModel } from '../../src/render/view-model.ts';
import { orgSnapshot } from '../support/organization.ts';
import {
  ACCOUNT,
  ALL_OFF,
  account,
  bucket,
  config,
  okOf,
  organization,
  s3BpaPolicy,
  snapshot,
} from '../support/snapshot.ts';
import { populationCsv } from '../../src/render/csv.ts';
import { accountPopulation } from '../../src/render/organization-populations.ts';
import { pdfText, squash } from './pdf-text.ts';

async function model(withOrg: boolean | ReturnType<typeof organization>, accounts = [account({})]) {
  const snap = snapshot(accounts);
  if (withOrg) snap.organization = withOrg === true ? orgSnapshot() : withOrg;
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

  it("shows an account's exemption from the root's Block Public Access S3 policy, in the accounts table and the policies list", async () => {
    const org = organization({
      accounts: [
        { id: ACCOUNT, name: 'web' },
        { id: '444455556666', name: 'data' },
      ],
      policies: [
        {
          id: 'p-s3all0001',
          name: 'BlockPublicAccess',
          type: 'S3_POLICY',
          content: s3BpaPolicy('all'),
          targets: ['r-ab12'],
        },
        {
          id: 'p-s3none001',
          name: 'WebsiteExemption',
          type: 'S3_POLICY',
          content: s3BpaPolicy('none'),
          targets: [ACCOUNT],
        },
      ],
    });
    // The exempted account's settings are all off, as S3 Control reports them under "none".
    const web = account({
      buckets: [bucket('acme-website')],
      accountPublicAccessBlock: okOf(ALL_OFF, 'GetPublicAccessBlock', 's3control'),
    });
    const m = await model(org, [web]);
    const o = m.organization;
    // A bucket of the exempted account says why its account's settings are off.
    const buckets = m.inventory.buckets;
    const bpaAccountAt = buckets.columns.findIndex((c) => c.header === 'BPA account');
    expect(buckets.rows.length).toBeGreaterThan(0);
    for (const r of buckets.rows) expect(r.cells[bpaAccountAt]?.text).toBe('all 4 off (S3 policy "none")');
    const header = o?.accounts.columns.map((c) => c.header);
    const bpaAt = header?.indexOf('S3 policy BPA') ?? -1;
    expect(bpaAt).toBeGreaterThan(0);
    const row = (id: string) => o?.accounts.rows.find((r) => r.cells[0]?.text === id)?.cells;
    expect(row(ACCOUNT)?.[bpaAt]).toMatchObject({
      text: '"none" (account, overrides root "all")',
      tone: 'warn',
    });
    expect(row('444455556666')?.[bpaAt]?.text).toBe('"all" (root)');
    const policies = o?.policies.rows.map((r) => r.cells.map((c) => c.text));
    expect(policies).toEqual(
      expect.arrayContaining([
        expect.arrayContaining([
          'WebsiteExemption',
          `account web (${ACCOUNT})`,
          expect.stringMatching(/^Block Public Access "none": all four settings off/),
        ]),
        expect.arrayContaining([
          'BlockPublicAccess',
          'root Root',
          expect.stringMatching(/^Block Public Access "all": all four settings on/),
        ]),
      ]),
    );
    // accounts.csv names both policies and their attachments for the exempted account.
    const csv = populationCsv(accountPopulation(org));
    expect(csv.split(/\r?\n/)[0]).toContain(',s3_policy_bpa,s3_policy_bpa_source');
    expect(csv).toContain(
      'organization S3 policy p-s3none001 ""WebsiteExemption"" attached to the account itself, overriding organization S3 policy p-s3all0001 ""BlockPublicAccess"" attached to the root (r-ab12) (""all"")',
    );
  });

  it('is absent when the organization was not discovered', async () => {
    const m = await model(false);
    expect(m.organization).toBeUndefined();
    expect(m.sections.map((s) => s.id)).not.toContain('organization');
    expect(renderHtml(m, loadTemplates())).not.toContain('id="organization"');
  });
});
