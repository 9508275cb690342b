import type { EvidenceRef } from '../../snapshot/outcome.ts';
import { describeGap } from '../../snapshot/outcome.ts';
import { reportsEncryption } from '../../snapshot/inventory.ts';
import type {
  AccountSnapshot,
  BucketSnapshot,
  InventoryConfiguration,
  InventoryReportCounts,
  InventoryReportReading,
} from '../../snapshot/model.ts';
import type { CheckDefinition } from '../types.ts';
import { dedupe, forEachBucket, gapVerdict, listProse, verdict, type BucketJudge } from '../support.ts';

const ID = 's3.object-encryption-inventory';

/** Gaps whose message says what was wrong with what S3 delivered (not an AWS error). */
const REPORT_PROBLEMS = new Set(['ChecksumMismatch', 'Unparseable', 'UnsupportedFormat', 'MissingField']);

/** Encryption statuses that fall short of the customer managed key a sensitive bucket requires. */
const WRONG = ['NOT-SSE', 'SSE-S3'] as const;

function describeConfig(c: InventoryConfiguration): string {
  const scope = c.filterPrefix ? `, objects under ${c.filterPrefix}` : '';
  return `"${c.id}" (${c.frequency}, ${c.destination.format} to ${c.destination.bucketArn}${scope})`;
}

/** Why a configuration does not evidence object encryption, or `undefined` when it does. */
function shortfall(c: InventoryConfiguration): string | undefined {
  if (reportsEncryption(c)) return undefined;
  return c.enabled ? `"${c.id}" lacks the EncryptionStatus field` : `"${c.id}" is disabled`;
}

/** `3 NOT-SSE, 1 SSE-S3, 8 SSE-KMS` — the statuses present, wrong ones first. */
export function countsProse(r: InventoryReportCounts): string {
  const order = ['NOT-SSE', 'SSE-S3', 'SSE-C', 'SSE-KMS', 'DSSE-KMS'] as const;
  const parts = order
    .filter((s) => r.byEncryptionStatus[s] > 0)
    .map((s) => `${r.byEncryptionStatus[s]} ${s}`);
  for (const [status, n] of Object.entries(r.otherStatuses)) parts.push(`${n} "${status}"`);
  return parts.length > 0 ? parts.join(', ') : 'no objects';
}

/** The newest report that was read, among the readings. */
function newest(
  readings: InventoryReportReading[],
): { reading: InventoryReportReading; counts: InventoryReportCounts } | undefined {
  let best: { reading: InventoryReportReading; counts: InventoryReportCounts } | undefined;
  for (const reading of readings) {
    if (reading.report.status !== 'ok') continue;
    const counts = reading.report.value;
    if (!best || counts.createdAt > best.counts.createdAt) best = { reading, counts };
  }
  return best;
}

function readingsOf(account: AccountSnapshot, bucket: BucketSnapshot): InventoryReportReading[] | undefined {
  return account.objectInventory?.find((o) => o.bucketArn === bucket.arn)?.reports;
}

/**
 * Judge one sensitive bucket: an enabled S3 Inventory configuration includes `EncryptionStatus`;
 * when the reports were read (`collection.objectInventory`), the newest report lists no object
 * that is unencrypted (NOT-SSE) or on SSE-S3, since a sensitive bucket requires a customer managed
 * KMS key (s3.sse-kms-cmk).
 */
export const judgeObjectEncryptionInventory: BucketJudge = (bucket, account, ctx) => {
  const c = ctx.classify(bucket);
  if (c.level !== 'sensitive') {
    return verdict(
      'not-applicable',
      `The bucket is classified standard (${c.rule}); object-level encryption evidence is required only for sensitive buckets.`,
      [],
    );
  }
  const configs = bucket.inventoryConfigurations;
  if (!configs) {
    return verdict(
      'insufficient-evidence',
      'The S3 Inventory configurations were not collected (the snapshot predates ListBucketInventoryConfigurations).',
      [],
    );
  }
  if (configs.status === 'denied' || configs.status === 'error')
    return gapVerdict('the S3 Inventory configurations', configs);
  const list = configs.status === 'ok' ? configs.value : [];
  const good = list.filter((x) => shortfall(x) === undefined);
  if (good.length === 0) {
    const why =
      list.length === 0
        ? 'the bucket has no S3 Inventory configuration'
        : `of its S3 Inventory configurations ${listProse(list.map((x) => shortfall(x) ?? x.id))}`;
    return verdict(
      'fail',
      `No enabled S3 Inventory configuration reports each object's EncryptionStatus: ${why}, so which objects are encrypted, and how, is not evidenced (default encryption applies only to new objects).`,
      [configs.evidence],
    );
  }
  const configured = `S3 Inventory ${listProse(good.map(describeConfig))} reports each object's EncryptionStatus`;
  const readings = readingsOf(account, bucket);
  if (!readings) {
    return verdict('pass', `${configured}; its reports were not read (collection.objectInventory is off).`, [
      configs.evidence,
    ]);
  }
  const wanted = readings.filter((r) => good.some((g) => g.id === r.configurationId));
  const latest = newest(wanted);
  if (!latest) {
    const gap = wanted.map((r) => r.report).find((o) => o.status === 'denied' || o.status === 'error');
    if (gap && (gap.status === 'denied' || gap.status === 'error')) {
      return verdict(
        'insufficient-evidence',
        `${configured}, but its latest report could not be read: ${describeGap(gap)}${REPORT_PROBLEMS.has(gap.errorCode) ? ` — ${gap.message}` : ''}.`,
        dedupe([configs.evidence, gap.evidence]),
      );
    }
    return verdict(
      'pass',
      `${configured}; no report has been delivered yet (S3 delivers the first within 48 hours), so no object has been counted.`,
      dedupe([configs.evidence, ...wanted.map((r) => r.report.evidence)]),
    );
  }
  const { reading, counts } = latest;
  const evidence: EvidenceRef[] = dedupe([
    configs.evidence,
    ...(reading.report.status === 'ok' ? [reading.report.evidence] : []),
    ...counts.dataEvidence,
  ]);
  const report = `the latest report (configuration "${reading.configurationId}", ${counts.createdAt}, delivered to s3://${reading.destinationBucket}/${reading.reportPrefix}) counts ${counts.objects} object${counts.objects === 1 ? '' : 's'}: ${countsProse(counts)}`;
  const wrong = WRONG.filter((s) => counts.byEncryptionStatus[s] > 0);
  if (wrong.length > 0) {
    const named = listProse(
      wrong.map(
        (s) => `${counts.byEncryptionStatus[s]} ${s === 'NOT-SSE' ? 'unencrypted (NOT-SSE)' : 'SSE-S3'}`,
      ),
    );
    return verdict(
      'fail',
      `${named} object${wrong.reduce((n, s) => n + counts.byEncryptionStatus[s], 0) === 1 ? '' : 's'} in a sensitive bucket that requires a customer managed KMS key: ${report}.`,
      evidence,
    );
  }
  return verdict('pass', `${configured}; ${report}.`, evidence);
};

/** `s3.object-encryption-inventory`: sensitive buckets evidence each object's encryption through S3 Inventory. */
export const objectEncryptionInventory: CheckDefinition = {
  id: ID,
  title: 'Sensitive buckets evidence object encryption with S3 Inventory',
  criteria: ['CC6.1'],
  severity: 'medium',
  description:
    "An enabled S3 Inventory configuration reports each object's EncryptionStatus; with collection.objectInventory, the latest report lists no unencrypted (NOT-SSE) or SSE-S3 object. Default encryption applies only to new objects, and an object's encryption can change in place.",
  reads: ['s3:ListBucketInventoryConfigurations', 's3:ListObjectsV2', 's3:GetObject', 's3:GetBucketTagging'],
  method:
    "Per sensitive bucket: fails when no inventory configuration is both enabled and includes the EncryptionStatus optional field; passes on the configuration alone when collection.objectInventory is off. With it on, the newest report (the latest YYYY-MM-DDTHH-MMZ/manifest.json under the destination prefix, the bucket name and the configuration id) is read, each CSV data file checked against the manifest's MD5 and its rows counted by the EncryptionStatus column located through fileSchema; the bucket fails when that report counts any NOT-SSE or SSE-S3 object (a sensitive bucket requires a customer managed KMS key), and passes with the counts otherwise, or when no report has been delivered yet. S3 Inventory has no KMS key column, so counts are by encryption status (and BucketKeyStatus when reported), not by key. Not applicable to standard buckets; a denied or failed read, a checksum mismatch or an unreadable file is insufficient evidence.",
  evaluate: (ctx) => forEachBucket(ID, ctx, judgeObjectEncryptionInventory),
};
