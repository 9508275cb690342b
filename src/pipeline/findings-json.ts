import type { EvidenceRef } from '../aws/outcome.ts';
import type { Evaluation } from '../checks/types.ts';
import type { Snapshot } from '../snapshot/model.ts';

/** Schema id of `findings/findings.json` (a contract: bump on incompatible change). */
export const FINDINGS_SCHEMA = 'evidence-pack/findings@1';

/** Pack-relative pointer to one raw record: `raw/<acct>/<service>/<region>.jsonl#<callId>`. */
export function evidencePath(ref: EvidenceRef): string {
  return `${ref.file}#${ref.callId}`;
}

/** The shape of `findings/findings.json` (schema `evidence-pack/findings@1`). */
export type FindingsDocument = ReturnType<typeof findingsDocument>;

/** The findings document as stored in the pack. */
export function findingsDocument(snapshot: Snapshot, evaluation: Evaluation) {
  return {
    schema: FINDINGS_SCHEMA,
    runId: snapshot.runId,
    evaluatedAt: evaluation.evaluatedAt,
    criteria: evaluation.criteria,
    results: evaluation.findings.map((f) => ({
      checkId: f.checkId,
      title: f.title,
      criteria: f.criteria,
      severity: f.severity,
      resource: f.resource,
      status: f.status,
      reason: f.reason,
      evidence: [...new Set(f.evidence.map(evidencePath))],
    })),
    exceptions: evaluation.exceptions,
    summary: evaluation.summary,
    ...(evaluation.period
      ? {
          period: {
            start: evaluation.period.start,
            end: evaluation.period.end,
            results: evaluation.period.buckets.flatMap((b) =>
              b.checks.map((c) => ({
                checkId: c.checkId,
                resource: { arn: b.bucketArn, name: b.bucket, accountId: b.accountId, region: b.region },
                status: c.status,
                reason: c.reason,
                brokenWindows: c.brokenWindows,
                unknownWindows: c.unknownWindows,
                evidence: [...new Set(c.evidence.map(evidencePath))],
              })),
            ),
          },
        }
      : {}),
  };
}
