/**
 * Cross-checks against console pages: screenshots are taken after evaluation, so what a console
 * page showed can only be set against the API reads once capture is done. This step amends the
 * evaluation before it is rendered: a read that was denied or failed while the console page captured
 * for the same resource shows the value is a contradiction between two sources, cited by the raw
 * call (and request id) on one side and the screenshot file on the other. Pure: a function of the
 * snapshot, the evaluation and what the pages showed.
 */
import { describeGap, isGap, type EvidenceRef, type Outcome } from '../snapshot/outcome.ts';
import { bucketResource } from '../checks/support.ts';
import type { CrossCheck } from '../checks/types.ts';
import type { BucketSnapshot, Snapshot } from '../snapshot/model.ts';
import type { Evaluation, Finding } from './types.ts';

/** A setting console capture knows how to read from a page. */
export type ConsoleField = 'default-encryption';

/** What one captured console page showed about one setting of one resource. */
export interface ConsoleObservation {
  field: ConsoleField;
  /** What the page showed, as a sentence fragment (e.g. `SSE-KMS (aws:kms) with key arn:…`). */
  shows: string;
  accountId: string;
  /** ARN of the resource the page was confirmed to show. */
  resource: string;
  /** Pack path of the screenshot, `screenshots/….png`. */
  screenshot: string;
  /** ISO-8601 UTC capture time. */
  capturedAt: string;
}

/** Per field: the read of the same setting, the operation behind it, and how to name it. */
const FIELDS: Record<
  ConsoleField,
  { subject: string; operation: string; read: (b: BucketSnapshot) => Outcome<unknown> }
> = {
  'default-encryption': {
    subject: 'default encryption',
    operation: 'GetBucketEncryption',
    read: (b) => b.encryption,
  },
};

function sameRef(a: EvidenceRef, b: EvidenceRef): boolean {
  return a.file === b.file && a.callId === b.callId;
}

/** The checks whose results for the bucket cite the read (what the contradiction concerns). */
function checksCiting(findings: readonly Finding[], bucketArn: string, ref: EvidenceRef): string[] {
  const ids = findings
    .filter((f) => f.resource.arn === bucketArn && f.evidence.some((e) => sameRef(e, ref)))
    .map((f) => f.checkId);
  return [...new Set(ids)].sort();
}

/**
 * Every contradiction between a denied or failed read and a console page that shows the value, in
 * observation order (one per resource and field, the first page that showed it).
 */
export function consoleCrossChecks(
  snapshot: Snapshot,
  findings: readonly Finding[],
  observations: readonly ConsoleObservation[],
): CrossCheck[] {
  const out: CrossCheck[] = [];
  const seen = new Set<string>();
  for (const o of observations) {
    const key = `${o.accountId} ${o.resource} ${o.field}`;
    if (seen.has(key)) continue;
    const bucket = snapshot.accounts
      .find((a) => a.accountId === o.accountId)
      ?.buckets.find((b) => b.arn === o.resource);
    if (!bucket) continue;
    const field = FIELDS[o.field];
    const read = field.read(bucket);
    if (!isGap(read)) continue;
    seen.add(key);
    out.push({
      kind: 'denied-read-vs-console-page',
      resource: bucketResource(bucket),
      subject: field.subject,
      summary:
        `The live ${field.operation} read ${read.status === 'denied' ? 'was denied' : 'failed'}, but the console page ` +
        `captured for the bucket shows ${o.shows}: the console holds the value the read could not get.`,
      sources: [
        { source: `live S3 ${field.operation}`, says: describeGap(read), evidence: [read.evidence] },
        {
          source: `console page (bucket properties), captured ${o.capturedAt.slice(0, 10)} ${o.capturedAt.slice(11, 19)} UTC`,
          says: o.shows,
          evidence: [],
          screenshots: [o.screenshot],
        },
      ],
      checks: checksCiting(findings, bucket.arn, read.evidence),
    });
  }
  return out;
}

/**
 * The evaluation with the console contradictions appended to its cross-checks and counted in its
 * summary (a new object; the input is not changed). Without contradictions it is returned as is.
 */
export function withConsoleCrossChecks(
  evaluation: Evaluation,
  snapshot: Snapshot,
  observations: readonly ConsoleObservation[],
): Evaluation {
  const found = consoleCrossChecks(snapshot, evaluation.findings, observations);
  if (found.length === 0) return evaluation;
  const crossChecks = [...evaluation.crossChecks, ...found];
  return { ...evaluation, crossChecks, summary: { ...evaluation.summary, crossChecks: crossChecks.length } };
}
