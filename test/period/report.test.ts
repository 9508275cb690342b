import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import { findingsDocument } from '../../src/evaluate/findings-json.ts';
import { buildCsvFiles } from '../../src/render/csv.ts';
import { loadTemplates, renderHtml } from '../../src/render/html.ts';
import { buildReportModel } from '../../src/render/view-model.ts';
import type { ConfigHistoryItem, Snapshot } from '../../src/snapshot/model.ts';
import { ACCOUNT, REGION, account, bucket, config, okOf, snapshot } from '../support/snapshot.ts';

const PERIOD = { start: '2026-03-01T00:00:00.000Z', end: '2026-06-01T00:00:00.000Z' };

function item(at: string, pab: boolean): ConfigHistoryItem {
  return {
    captureTime: at,
    status: 'OK',
    supplementaryConfiguration: {
      ServerSideEncryptionConfiguration: JSON.stringify({
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
      }),
      ...(pab
        ? {
            PublicAccessBlockConfiguration: JSON.stringify({
              blockPublicAcls: true,
              ignorePublicAcls: true,
              blockPublicPolicy: true,
              restrictPublicBuckets: true,
            }),
          }
        : {}),
    },
  };
}

async function periodFixture() {
  const lapsed = bucket('lapsed-bucket');
  const snap: Snapshot = snapshot([
    account({
      buckets: [lapsed],
      configHistory: [
        {
          bucketArn: lapsed.arn,
          bucket: lapsed.name,
          accountId: ACCOUNT,
          region: REGION,
          period: PERIOD,
          items: okOf(
            [
              item('2026-01-01T00:00:00.000Z', true),
              item('2026-04-10T00:00:00.000Z', false),
              item('2026-04-17T00:00:00.000Z', true),
            ],
            'GetResourceConfigHistory',
            'config',
          ),
        },
      ],
    }),
  ]);
  const cfg = config({ period: PERIOD });
  return { snap, cfg, evaluation: await evaluate(snap, cfg) };
}

describe('period evidence in the pack', () => {
  it('adds a period section with the broken window to the HTML report', async () => {
    const { snap, cfg, evaluation } = await periodFixture();
    const model = buildReportModel({
      snapshot: snap,
      evaluation,
      config: cfg,
      evidenceIndex: [],
      evidenceDigest: 'sha256:00',
      screenshots: [],
      renderer: 'chromium',
      toolVersion: '0.0.0',
    });
    // Broken: Block Public Access for a week; and, throughout, the policy checks (no policy) and the
    // customer managed key (AES256 only) of this sensitive bucket. Held: default encryption, not public.
    // Unknown: the fixture's trail, recorder and Config rules, which carry no period evidence (no
    // status start times, no events, no compliance history); none of them is broken.
    const monitoring = evaluation.period?.monitoring ?? [];
    expect(monitoring.length).toBeGreaterThan(0);
    expect(monitoring.every((m) => m.status === 'unknown')).toBe(true);
    expect(model.period).toMatchObject({ broken: 4, held: 2, unknown: monitoring.length });
    const html = renderHtml(model, loadTemplates());
    expect(html).toContain('id="period"');
    expect(html).toContain('Broken during the period');
    // Table cells carry <wbr> break opportunities; compare the text.
    expect(html.replace(/<wbr>|<span class="nobr">|<\/span>/g, '')).toContain(
      '2026-04-10 00:00:00 UTC to 2026-04-17 00:00:00 UTC',
    );
  });

  it('writes the timeline CSV and the period verdicts in findings.json', async () => {
    const { snap, evaluation } = await periodFixture();
    const csv = buildCsvFiles(snap, evaluation).find((f) => f.path === 'inventory/period-timeline.csv');
    const lines = csv?.content.trim().split('\r\n') ?? [];
    expect(lines).toHaveLength(4);
    expect(lines[2]).toContain('Block Public Access: all four on → none');
    const doc = findingsDocument(snap, evaluation);
    const pab = doc.period?.results.find((r) => r.checkId === 's3.bucket-public-access-block');
    expect(pab?.status).toBe('broken');
    expect(pab?.brokenWindows.map((w) => w.from)).toEqual(['2026-04-10T00:00:00.000Z']);
  });

  it("writes every bucket's verdict per period check to a CSV the report's table points at", async () => {
    const { snap, cfg, evaluation } = await periodFixture();
    const csv = buildCsvFiles(snap, evaluation).find((f) => f.path === 'inventory/period-verdicts.csv');
    const lines = csv?.content.trim().split('\r\n') ?? [];
    const buckets = evaluation.period?.buckets ?? [];
    expect(lines).toHaveLength(1 + buckets.reduce((n, b) => n + b.checks.length, 0));
    expect(lines[0]).toContain('check_id,period_status,broken_windows,reason');
    // Broken first, as on the report's page.
    expect(lines[1]).toContain('Broken during the period');
    const model = buildReportModel({
      snapshot: snap,
      evaluation,
      config: cfg,
      evidenceIndex: [],
      evidenceDigest: 'sha256:00',
      screenshots: [],
      renderer: 'chromium',
      toolVersion: '0.0.0',
    });
    expect(model.period?.verdicts.source).toBe('inventory/period-verdicts.csv');
  });

  it('leaves the pack unchanged when no period is configured', async () => {
    const { snap } = await periodFixture();
    const evaluation = await evaluate(snap, config());
    expect(evaluation.period).toBeUndefined();
    expect(buildCsvFiles(snap, evaluation).map((f) => f.path)).not.toContain('inventory/period-timeline.csv');
  });
});
