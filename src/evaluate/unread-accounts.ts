import type { CheckDefinition, CheckResult, ResourceRef } from '../checks/types.ts';
import type { AccountSnapshot, Snapshot } from '../snapshot/model.ts';
import { describeGap, isGap, type Gap } from '../snapshot/outcome.ts';

/** An account in the snapshot whose identity could not be established, with the gap that says why. */
export interface UnreadAccount {
  account: AccountSnapshot;
  gap: Gap;
}

/**
 * The accounts that were not read: their identity (GetCallerIdentity, which is where the role is
 * assumed) is a gap, so every other fact of them is that same gap.
 */
export function unreadAccounts(snapshot: Snapshot): Map<string, UnreadAccount> {
  const out = new Map<string, UnreadAccount>();
  for (const account of snapshot.accounts) {
    if (isGap(account.identity)) out.set(account.accountId, { account, gap: account.identity });
  }
  return out;
}

/** The resource an unread account's results are about: the account itself. */
function accountResource(account: AccountSnapshot): ResourceRef {
  const partition =
    (account.source.kind === 'role' ? account.source.roleArn.split(':')[1] : undefined) ?? 'aws';
  return {
    arn: `arn:${partition}:iam::${account.accountId}:root`,
    type: 'AWS::::Account',
    accountId: account.accountId,
    name: account.name,
  };
}

/** Why nothing of the account could be read, naming the AssumeRole error and its request id. */
function whyUnread({ account, gap }: UnreadAccount): string {
  const rid = gap.evidence.requestId ? `, request id ${gap.evidence.requestId}` : '';
  const what = gap.status === 'denied' ? 'was denied' : 'failed';
  const cause =
    account.source.kind === 'role'
      ? `AssumeRole into ${account.source.roleArn} ${what} (${gap.errorCode}${rid}): ${gap.message}`
      : describeGap(gap);
  return cause.replace(/\.$/, '');
}

/**
 * One `insufficient-evidence` result of `check` for an account that was not read. A check that reads
 * AWS can judge nothing of such an account (not its buckets, keys, AWS Config or CloudTrail), so
 * whatever it would say there is this gap, never a pass or a fail built on the empty inventory.
 */
export function unreadAccountResult(check: CheckDefinition, unread: UnreadAccount): CheckResult {
  const { account, gap } = unread;
  return {
    checkId: check.id,
    resource: accountResource(account),
    status: 'insufficient-evidence',
    reason:
      `Cannot judge ${check.id} in account ${account.accountId} (${account.name}): the account was not read, ` +
      `${whyUnread(unread)}.`,
    evidence: [gap.evidence],
  };
}

/**
 * The results of `check` with the unread accounts' results replaced by one gap each. Checks that
 * read no AWS API (the exception log) are left as they are.
 */
export function withUnreadAccounts(
  check: CheckDefinition,
  results: CheckResult[],
  unread: ReadonlyMap<string, UnreadAccount>,
): CheckResult[] {
  if (unread.size === 0 || check.reads.length === 0) return results;
  return [
    ...results.filter((r) => !unread.has(r.resource.accountId)),
    ...[...unread.values()].map((u) => unreadAccountResult(check, u)),
  ];
}
