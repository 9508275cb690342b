import { startConfigRecorder } from '../support/config-recorder.ts';
import {
  CreateBucketCommand,
  DeleteBucketPolicyCommand,
  DeletePublicAccessBlockCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import {} from '@aws-sdk/client-config-service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../src/collect/collect.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import { findingsDocument } from '../../src/evaluate/findings-json.ts';
import type { Evaluation } from '../../src/evaluate/types.ts';
import { buildCsvFiles } from '../../src/render/csv.ts';
import type { Snapshot } from '../../src/snapshot/model.ts';
import { CHECK_STATUSES, type CheckStatus } from '../../src/checks/types.ts';
import { summaryLine } from '../../src/evaluate/summary.ts';
import { loadTemplates, renderHtml } from '../../src/render/html.ts';
import { buildReportModel } from '../../src/render/view-model.ts';
import { ACCOUNT, startHarness, testConfig, type Harness } from '../collect/harness.ts';

const DAY = 86_400_000;
/** Relative to real time: CloudTrail's event history reaches back 90 days from the collection. */
const NOW = Date.now();
const ago = (days: number, hours = 0) => new Date(NOW - days * DAY + hours * 3_600_000);
const PERIOD = { start: ago(100).toISOString(), end: ago(10).toISOString() };
const ALL_ON = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};
const policy = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const publicRead = (bucket: string) =>
  policy({
    Sid: 'PublicRead',
    Effect: 'Allow',
    Principal: '*',
    Action: 's3:GetObject',
    Resource: `arn:aws:s3:::${bucket}/*`,
  });
const tlsOnly = (bucket: string) =>
  policy({
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  });

/** A minimal RFC 4180 parser, to read back what the writer produced. */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  const [header = [], ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

let h: Harness;
let snapshot: Snapshot;
let evaluation: Evaluation;

const at = (d: Date) => h.sandbox.state.setNow(d);

/**
 * A quarter of history built over the wire with the sandbox clock, ending ten days ago: a week in
 * which the production bucket lost Block Public Access and had a public policy, a bucket created in
 * the middle of the period, one changed after the period, and one with more than a page of history.
 */
beforeAll(async () => {
  h = await startHarness();
  const s3 = h.s3();
  const cfg = h.config();
  at(ago(230));
  await s3.send(new CreateBucketCommand({ Bucket: 'config-logs' }));
  await startConfigRecorder(cfg, ACCOUNT);
  await s3.send(new CreateBucketCommand({ Bucket: 'silent-change' }));
  // Changed 95 days ago: beyond CloudTrail's 90-day event history at collection.
  at(ago(95));
  await s3.send(new PutBucketPolicyCommand({ Bucket: 'silent-change', Policy: tlsOnly('silent-change') }));
  at(ago(120));
  for (const Bucket of ['main-prod', 'changed-after', 'busy-bucket'])
    await s3.send(new CreateBucketCommand({ Bucket }));

  // The deviation: a week without Block Public Access, with a public-read policy.
  at(ago(40));
  await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'main-prod' }));
  at(ago(40, 1));
  await s3.send(new PutBucketPolicyCommand({ Bucket: 'main-prod', Policy: publicRead('main-prod') }));
  at(ago(33));
  await s3.send(new DeleteBucketPolicyCommand({ Bucket: 'main-prod' }));
  at(ago(33, 1));
  await s3.send(
    new PutPublicAccessBlockCommand({ Bucket: 'main-prod', PublicAccessBlockConfiguration: ALL_ON }),
  );

  // Created in the middle of the period.
  at(ago(50));
  await s3.send(new CreateBucketCommand({ Bucket: 'mid-period' }));

  // More configuration items than one page (the collector asks 100 per page).
  for (let i = 0; i < 105; i++) {
    at(new Date(ago(60).getTime() + i * 60_000));
    await s3.send(
      new PutBucketTaggingCommand({
        Bucket: 'busy-bucket',
        Tagging: { TagSet: [{ Key: 'revision', Value: String(i) }] },
      }),
    );
  }

  // After the period: a TLS-only policy.
  at(ago(5));
  await s3.send(new PutBucketPolicyCommand({ Bucket: 'changed-after', Policy: tlsOnly('changed-after') }));

  h.sandbox.state.useRealTime();
  const config = testConfig({ period: PERIOD });
  snapshot = await collect({ config, factory: h.factory, sink: h.sink, toolVersion: '0.0.0', runId: 'p' });
  evaluation = await evaluate(snapshot, config);
}, 120_000);

afterAll(async () => {
  await h.close();
});

const periodOf = (bucket: string, checkId: string) =>
  evaluation.period?.buckets.find((b) => b.bucket === bucket)?.checks.find((c) => c.checkId === checkId);

describe('deviations during the period are findings, over the wire', () => {
  it('lists the week-long public exposure in findings.csv with who opened and closed it', () => {
    const csv = buildCsvFiles(snapshot, evaluation).find((f) => f.path === 'findings/findings.csv');
    const rows = parseCsv(csv?.content ?? '').filter(
      (r) => r.resource_name === 'main-prod' && r.deviation_start !== '',
    );
    const exposure = rows.find((r) => r.check_id === 's3.not-public');
    expect(exposure).toMatchObject({
      status: 'fail',
      deviation_start: ago(40, 1).toISOString(),
      deviation_end: ago(33).toISOString(),
      deviation_duration: '6 days 23 hours',
      criteria: expect.stringContaining('CC6.6') as unknown,
    });
    expect(exposure?.opened_by).toMatch(
      new RegExp(
        `^PutBucketPolicy ${ago(40, 1).toISOString()} arn:aws:iam::${ACCOUNT}:\\S+ request id \\S+$`,
      ),
    );
    expect(exposure?.closed_by).toMatch(/^DeleteBucketPolicy .* request id /);
    expect(exposure?.remediation).toMatch(/^none: a deviation during the audit period/);
    const pab = rows.find((r) => r.check_id === 's3.bucket-public-access-block');
    expect(pab?.opened_by).toMatch(/^DeleteBucketPublicAccessBlock /);
    expect(pab?.closed_by).toMatch(/^PutBucketPublicAccessBlock /);
  });

  it('counts the deviation with its check in the summary and on the bucket, though today it passes', () => {
    const live = evaluation.findings.filter(
      (f) => f.resource.name === 'main-prod' && f.checkId === 's3.not-public' && !f.deviation,
    );
    expect(live.map((f) => f.status)).toEqual(['pass']);
    expect(evaluation.summary.byCheck['s3.not-public']?.fail).toBeGreaterThanOrEqual(1);
    const doc = findingsDocument(snapshot, evaluation);
    const result = doc.results.find(
      (r) => r.resource.name === 'main-prod' && r.checkId === 's3.not-public' && 'deviation' in r,
    );
    const requestId = snapshot.accounts[0]?.managementEvents
      ?.flatMap((r) => (r.events.status === 'ok' ? r.events.value : []))
      .find(
        (e) => e.eventName === 'PutBucketPolicy' && e.resources.some((x) => x.name === 'main-prod'),
      )?.requestId;
    expect(requestId).toMatch(/\S/);
    expect(result?.deviation?.opened).toMatchObject({ eventName: 'PutBucketPolicy', requestId });
    const inventory = buildCsvFiles(snapshot, evaluation).find((f) => f.path === 'inventory/buckets.csv');
    const row = parseCsv(inventory?.content ?? '').find(
      (r) => r.bucket === 'main-prod' || r.name === 'main-prod',
    );
    expect(Object.values(row ?? {}).join(' ')).toContain('s3.not-public (during the period)');
  });

  it('says a bucket created mid-period is unknown, dated by Config, not dropped', () => {
    for (const checkId of ['s3.bucket-public-access-block', 's3.default-encryption']) {
      const c = periodOf('mid-period', checkId);
      expect(c).toMatchObject({ status: 'unknown', cause: 'created-during-period' });
      expect(c?.reason).toContain('(AWS Config resourceCreationTime), inside the period');
    }
    const names = evaluation.period?.buckets.map((b) => b.bucket).sort();
    expect(names).toEqual(snapshot.accounts[0]?.buckets.map((b) => b.name).sort());
    expect(evaluation.period?.buckets.every((b) => b.checks.length === 6)).toBe(true);
  });

  it('reconciles the last in-period state with today, naming the event of the post-period change', () => {
    const entry = evaluation.period?.reconciliation?.find((r) => r.bucket === 'changed-after');
    expect(entry).toMatchObject({ setting: 'bucket policy', recorded: 'none' });
    expect(entry?.live).toContain('DenyInsecureTransport');
    expect(entry?.events.map((e) => [e.eventName, e.eventTime])).toEqual([
      ['PutBucketPolicy', ago(5).toISOString()],
    ]);
    expect(entry?.events[0]?.userArn).toMatch(new RegExp(`^arn:aws:iam::${ACCOUNT}:`));
    // Explained by an event: the held verdict stands.
    expect(periodOf('changed-after', 's3.bucket-public-access-block')?.status).toBe('held');
    const csv = buildCsvFiles(snapshot, evaluation).find(
      (f) => f.path === 'inventory/period-reconciliation.csv',
    );
    expect(csv?.content).toContain('PutBucketPolicy by arn:aws:iam::');
  });

  it('cites every page of a history longer than one page', () => {
    const history = snapshot.accounts[0]?.configHistory?.find((x) => x.bucket === 'busy-bucket');
    const pages = history?.pages ?? [];
    expect(pages.length).toBeGreaterThanOrEqual(2); // one backwards read, two pages of 100
    expect(history?.items.status === 'ok' && history.items.value.length).toBeGreaterThan(100);
    const cited = new Set(periodOf('busy-bucket', 's3.default-encryption')?.evidence.map((e) => e.callId));
    for (const p of pages) expect(cited.has(p.callId)).toBe(true);
    expect(new Set(pages.map((p) => p.callId)).size).toBe(pages.length);
  });

  it('turns a held verdict unknown when the last record disagrees with today and no event explains it', async () => {
    const config = testConfig({ period: { start: ago(200).toISOString(), end: ago(100).toISOString() } });
    const earlier = await collect({
      config,
      factory: h.factory,
      sink: h.sink,
      toolVersion: '0.0.0',
      runId: 'q',
    });
    const older = await evaluate(earlier, config);
    const entry = older.period?.reconciliation?.find((r) => r.bucket === 'silent-change');
    expect(entry).toMatchObject({ setting: 'bucket policy', recorded: 'none', events: [] });
    const c = older.period?.buckets
      .find((b) => b.bucket === 'silent-change')
      ?.checks.find((x) => x.checkId === 's3.not-public');
    expect(c).toMatchObject({ status: 'unknown', cause: 'disagrees-with-live' });
    expect(c?.reason).toContain('no CloudTrail event explains the change: bucket policy');
    const csv = buildCsvFiles(earlier, older).find((f) => f.path === 'inventory/period-reconciliation.csv');
    expect(csv?.content).toContain('changed, event not found');

    // The search is cited once as the range of the region's write-event pages, not page by page.
    const pages = earlier.accounts[0]?.managementEvents?.find((m) => m.region === entry?.region)?.pages ?? [];
    expect(pages.length).toBeGreaterThan(0);
    expect(entry?.evidence.some((e) => e.operation === 'LookupEvents')).toBe(false);
    expect(entry?.searched).toEqual({
      file: pages[0]?.file,
      operation: 'LookupEvents',
      firstCallId: pages[0]?.callId,
      lastCallId: pages.at(-1)?.callId,
      pages: pages.length,
    });
    const doc = findingsDocument(earlier, older);
    const listed = doc.period?.reconciliation.find((r) => r.resource.name === 'silent-change');
    expect(listed?.searched).toMatchObject({
      fromRecord: `${pages[0]?.file}#${pages[0]?.callId}`,
      toRecord: `${pages[0]?.file}#${pages.at(-1)?.callId}`,
      pages: pages.length,
    });
    expect(csv?.content).toContain(`${pages[0]?.file}#${pages[0]?.callId}..${pages.at(-1)?.callId}`);
    expect(csv?.content).toContain(`searched ${pages.length} LookupEvents page`);
  });
});

describe('totals that add up, over the wire', () => {
  it('gives the same totals in the CLI summary line, findings.json, findings.csv and the cover', () => {
    // Expected: counted from the evaluation's results themselves, each once.
    const expected = Object.fromEntries(
      CHECK_STATUSES.map((st) => [st, evaluation.findings.filter((f) => f.status === st).length]),
    ) as Record<CheckStatus, number>;
    const deviations = evaluation.findings.filter((f) => f.deviation !== undefined);
    expect(deviations.length).toBeGreaterThan(0);
    expect(evaluation.findings.length).toBeGreaterThan(deviations.length);

    // The CLI's summary line (what `run` prints after "findings: ").
    const line = summaryLine(evaluation.summary);
    const words: Record<CheckStatus, string> = {
      pass: 'pass',
      fail: 'fail',
      excepted: 'excepted',
      'insufficient-evidence': 'insufficient evidence',
      'not-applicable': 'not applicable',
      error: 'error',
    };
    for (const st of CHECK_STATUSES)
      expect(line, st).toMatch(new RegExp(`(^|, )${expected[st]} ${words[st]}(,|$| \\()`));
    expect(line).toContain(
      `(${evaluation.findings.length} results, each counted once; ${deviations.length} of them`,
    );
    const devFail = deviations.filter((f) => f.status === 'fail').length;
    expect(line).toContain(`${devFail} fail`);

    // findings.json: one result each, the summary counts them once and says which are deviations.
    const doc = findingsDocument(snapshot, evaluation);
    expect(doc.results).toHaveLength(evaluation.findings.length);
    expect(doc.summary.byStatus).toEqual(expected);
    expect(doc.summary.results).toBe(evaluation.findings.length);
    expect(doc.summary.periodDeviations.results).toBe(deviations.length);
    expect(doc.results.filter((r) => 'deviation' in r)).toHaveLength(deviations.length);

    // findings.csv: one row per result; the deviation rows are the ones with a deviation start.
    const csv = buildCsvFiles(snapshot, evaluation).find((f) => f.path === 'findings/findings.csv');
    const rows = parseCsv(csv?.content ?? '');
    expect(rows).toHaveLength(evaluation.findings.length);
    for (const st of CHECK_STATUSES)
      expect(rows.filter((r) => r.status === st).length, st).toBe(expected[st]);
    expect(rows.filter((r) => r.deviation_start !== '')).toHaveLength(deviations.length);

    // The cover (HTML): the tiles are the same totals, and the note says how many are deviations.
    const config = testConfig({ period: PERIOD });
    const model = buildReportModel({
      snapshot,
      evaluation,
      config,
      evidenceIndex: [],
      evidenceDigest: 'f'.repeat(64),
      screenshots: [],
      renderer: 'chromium',
      toolVersion: '0.0.0-test',
    });
    const html = renderHtml(model, loadTemplates()).replace(/<wbr>|<span class="nobr">|<\/span>/g, '');
    const cover = html.slice(html.indexOf('class="cover"'), html.indexOf('id="cover-cross-checks"'));
    const labels = model.resultTotals.map((t) => t.label);
    const tiles = [...cover.matchAll(/<span class="value">([\d,]+)<span class="label">([^<]+)</g)].map(
      (m) => [m[2], Number(m[1]?.replace(/,/g, ''))] as const,
    );
    expect(tiles.map(([label]) => label)).toEqual(labels);
    for (const [i, t] of model.resultTotals.entries())
      expect(tiles[i]?.[1], t.label).toBe(expected[t.status]);
    const note = html
      .slice(html.indexOf('id="cover-totals-note"'))
      .replace(/&#x27;/g, "'")
      .replace(/&amp;/g, '&');
    expect(note).toContain(`${evaluation.findings.length} results, each counted once`);
    expect(note).toContain(
      `${evaluation.findings.length - deviations.length} are results of today's read and ${deviations.length} are deviations during the audit period`,
    );
    // Counted per criterion, the rows add up to the summary table's "Sum of the rows".
    const perCriterion = model.totals.reduce((n, c) => n + c.count, 0);
    expect(perCriterion).toBe(model.criteria.reduce((n, c) => n + c.total, 0) + model.otherChecks.total);
    expect(note).toContain(`: ${perCriterion}.`);
  });
});
