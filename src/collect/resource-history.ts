import type { ClientFactory } from '../aws/client-factory.ts';
import type { AccountSnapshot, PeriodResourceType, ResourceConfigHistory } from '../snapshot/model.ts';
import { readPeriodHistory, type PeriodHistoryRead } from './config-history.ts';

/** One resource whose history to read, and where. */
interface Target {
  resourceType: PeriodResourceType;
  resourceId: string;
  /**
   * Other resource ids Config may file the resource under, asked in order when Config does not
   * know the first (`ResourceNotDiscoveredException`): AWS's documentation does not say whether a
   * trail's configuration items carry its name or its ARN, nor a key's its key id or its ARN.
   */
  alternateIds?: string[];
  arn: string;
  name: string;
  region: string;
}

/**
 * The non-bucket resources judged over the period: the account's Block Public Access (Config's
 * resource id is the account id, asked in the account's home region), every customer managed key
 * a bucket in scope uses (by key id, then by ARN if Config does not know the key id, in the key's
 * region), and every trail the account owns (by name, then by ARN, in its home region; an
 * organization trail of another account is that account's to show).
 */
export function periodTargets(
  account: Pick<AccountSnapshot, 'accountId' | 'kmsKeys' | 'cloudTrail'>,
  homeRegion: string,
): Target[] {
  const targets: Target[] = [
    {
      resourceType: 'AWS::S3::AccountPublicAccessBlock',
      resourceId: account.accountId,
      arn: `arn:aws:s3::${account.accountId}:account`,
      name: account.accountId,
      region: homeRegion,
    },
  ];
  for (const key of account.kmsKeys) {
    const meta = key.metadata.status === 'ok' ? key.metadata.value : undefined;
    if (!meta || key.usedBy.length === 0 || key.foreignAccount || meta.keyManager !== 'CUSTOMER') continue;
    targets.push({
      resourceType: 'AWS::KMS::Key',
      resourceId: meta.keyId,
      alternateIds: [meta.arn],
      arn: meta.arn,
      name: key.aliases[0] ?? meta.keyId,
      region: key.region,
    });
  }
  const trails = new Map<string, Target>();
  for (const t of account.cloudTrail.trails) {
    if ((t.arn.split(':')[4] ?? '') !== account.accountId || trails.has(t.arn)) continue;
    trails.set(t.arn, {
      resourceType: 'AWS::CloudTrail::Trail',
      resourceId: t.name,
      alternateIds: [t.arn],
      arn: t.arn,
      name: t.name,
      region: t.homeRegion,
    });
  }
  return [...targets, ...trails.values()];
}

/**
 * AWS Config's history over the audit period of each of the account's {@link periodTargets}, one
 * after the other (so the recorded call ids are the same from run to run), every page of each.
 */
export async function collectResourceHistory(
  factory: ClientFactory,
  account: Pick<AccountSnapshot, 'accountId' | 'kmsKeys' | 'cloudTrail'>,
  homeRegion: string,
  period: { start: string; end: string },
): Promise<ResourceConfigHistory[]> {
  const out: ResourceConfigHistory[] = [];
  const p = { start: new Date(period.start).toISOString(), end: new Date(period.end).toISOString() };
  for (const target of periodTargets(account, homeRegion)) {
    const { alternateIds = [], ...t } = target;
    const tried: PeriodHistoryRead['pages'] = [];
    let resourceId = t.resourceId;
    let read = await readPeriodHistory(factory, t.region, t, period, { keepConfiguration: true });
    for (const id of alternateIds) {
      if (!notDiscovered(read)) break;
      tried.push(...read.pages);
      resourceId = id;
      read = await readPeriodHistory(factory, t.region, { ...t, resourceId }, period, {
        keepConfiguration: true,
      });
    }
    out.push({
      ...t,
      resourceId,
      accountId: account.accountId,
      period: p,
      items: read.items,
      pages: [...tried, ...read.pages],
      ...(read.afterPeriod ? { afterPeriod: read.afterPeriod } : {}),
    });
  }
  return out;
}

/** Config answered that it knows no resource of that id, before, during or after the period. */
function notDiscovered(read: PeriodHistoryRead): boolean {
  const unknown = (o: PeriodHistoryRead['items'] | undefined) =>
    o === undefined || (o.status === 'absent' && o.errorCode === 'ResourceNotDiscoveredException');
  return unknown(read.items) && unknown(read.afterPeriod);
}
