import type { Snapshot, BucketSnapshot } from '../snapshot/model.ts';
import type { Classification, CheckResult, ExceptionEntry, ValidatedException } from '../checks/types.ts';
import type { Config } from '../config/schema.ts';

/** Turn the config's exception log into entries with stable indexes. */
export function exceptionEntries(exceptions: Config['exceptions']): ExceptionEntry[] {
  return exceptions.map((e, index) => ({ index, ...e }));
}

/** True when `now` is after the UTC day `expires` (the exception is valid through that whole day). */
export function isExpired(expires: string, now: Date): boolean {
  const end = Date.parse(`${expires}T00:00:00Z`) + 24 * 60 * 60 * 1000;
  return now.getTime() >= end;
}

function bucketsNamed(snapshot: Snapshot, entry: ExceptionEntry): BucketSnapshot[] {
  return snapshot.accounts
    .filter((a) => entry.accountId === undefined || a.accountId === entry.accountId)
    .flatMap((a) => a.buckets.filter((b) => b.name === entry.bucket));
}

/**
 * Validate every exception: not expired, names an existing bucket, has a justification and an
 * approver, and does not cover a sensitive bucket's public access (`s3.not-public`).
 */
export function validateExceptions(
  entries: readonly ExceptionEntry[],
  snapshot: Snapshot,
  classify: (bucket: BucketSnapshot) => Classification,
  now: Date,
): ValidatedException[] {
  return entries.map((entry) => {
    const problems: string[] = [];
    if (isExpired(entry.expires, now)) problems.push(`it expired on ${entry.expires}`);
    const buckets = bucketsNamed(snapshot, entry);
    if (buckets.length === 0) {
      const where = entry.accountId ? ` in account ${entry.accountId}` : '';
      problems.push(`bucket "${entry.bucket}"${where} does not exist in the inventory`);
    }
    if (!entry.justification.trim()) problems.push('it has no justification');
    if (!entry.approvedBy.trim()) problems.push('it has no approver');
    if (entry.checks.includes('s3.not-public')) {
      const sensitive = buckets.map((b) => classify(b)).find((c) => c.level === 'sensitive');
      if (sensitive)
        problems.push(
          `it covers public access of a sensitive bucket (${sensitive.rule}), which is never excepted`,
        );
    }
    return { entry, valid: problems.length === 0, problems };
  });
}

/** The valid exception covering a failing result, if any. */
export function coveringException(
  result: CheckResult,
  exceptions: readonly ValidatedException[],
): ValidatedException | undefined {
  if (result.status !== 'fail' || result.resource.type !== 'AWS::S3::Bucket') return undefined;
  return exceptions.find(
    (x) =>
      x.valid &&
      x.entry.bucket === result.resource.name &&
      (x.entry.accountId === undefined || x.entry.accountId === result.resource.accountId) &&
      x.entry.checks.includes(result.checkId),
  );
}

/** Turn a failing result into `excepted`, with the exception's terms in the reason. */
export function applyException(result: CheckResult, x: ValidatedException): CheckResult {
  const e = x.entry;
  const ticket = e.ticket ? `, ticket ${e.ticket}` : '';
  return {
    ...result,
    status: 'excepted',
    reason: `${result.reason} Excepted by exception-${e.index}: "${e.justification}" (approved by ${e.approvedBy}${ticket}, valid through ${e.expires}).`,
  };
}

/**
 * The exception that covers a deviation during the audit period: one naming the bucket and check,
 * with no problem other than having expired since, and valid through the whole window (its last
 * valid day is not before the window's end).
 */
export function deviationException(
  result: CheckResult,
  windowEnd: string,
  exceptions: readonly ValidatedException[],
): ValidatedException | undefined {
  const lastInstant = new Date(Date.parse(windowEnd) - 1);
  return exceptions.find(
    (x) =>
      x.entry.bucket === result.resource.name &&
      (x.entry.accountId === undefined || x.entry.accountId === result.resource.accountId) &&
      x.entry.checks.includes(result.checkId) &&
      x.problems.every((p) => p === `it expired on ${x.entry.expires}`) &&
      !isExpired(x.entry.expires, lastInstant),
  );
}
