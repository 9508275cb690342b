import { countsProse } from '../checks/s3/object-encryption-inventory.ts';
import { reportsEncryption } from '../snapshot/inventory.ts';
import { isGap } from '../snapshot/outcome.ts';
import type { AccountSnapshot, BucketSnapshot, InventoryReportCounts, Snapshot } from '../snapshot/model.ts';
import { gapText, noneCell, text, utcLabel } from './cells.ts';
import type { Cell } from './report-model.ts';
import type { Population } from './columns.ts';

/** Pack path of the object-encryption counts read from S3 Inventory reports. */
export const OBJECT_ENCRYPTION_CSV = 'inventory/object-encryption.csv';

function countsCell(c: InventoryReportCounts): Cell {
  const wrong = c.byEncryptionStatus['NOT-SSE'] + c.byEncryptionStatus['SSE-S3'];
  return {
    text: `${countsProse(c)} (report ${c.createdAt.slice(0, 10)})`,
    tone: wrong > 0 ? 'bad' : 'good',
  };
}

/**
 * The bucket's object-level encryption evidence in one cell: the newest inventory report's counts
 * by encryption status, or what stands in for them (no inventory reporting EncryptionStatus, no
 * report yet, reports not read, a gap).
 */
export function objectEncryptionCell(account: AccountSnapshot, b: BucketSnapshot, sensitive = true): Cell {
  const configs = b.inventoryConfigurations;
  if (!configs) return noneCell();
  if (isGap(configs)) return { text: gapText(configs), tone: 'gap' };
  const reporting = configs.status === 'ok' ? configs.value.filter(reportsEncryption) : [];
  if (reporting.length === 0)
    return { text: 'no inventory with EncryptionStatus', tone: sensitive ? 'warn' : 'muted' };
  const readings = account.objectInventory?.find((o) => o.bucketArn === b.arn)?.reports;
  if (!readings) return text(`inventory ${reporting.map((c) => c.id).join(', ')} (reports not read)`);
  let newest: InventoryReportCounts | undefined;
  for (const r of readings)
    if (r.report.status === 'ok' && (!newest || r.report.value.createdAt > newest.createdAt))
      newest = r.report.value;
  if (newest) return countsCell(newest);
  const gap = readings.map((r) => r.report).find(isGap);
  return gap ? { text: gapText(gap), tone: 'gap' } : { text: 'no report delivered yet', tone: 'muted' };
}

/**
 * One row per inventory configuration whose report was read (`collection.objectInventory`): where
 * it was read from, the newest report and its counts by encryption status. Counts only: the
 * objects themselves are never listed.
 */
export function objectEncryptionPopulation(snapshot: Snapshot): Population {
  const rows: Cell[][] = [];
  for (const account of snapshot.accounts) {
    for (const o of account.objectInventory ?? []) {
      for (const r of o.reports) {
        const rep = r.report;
        const c = rep.status === 'ok' ? rep.value : undefined;
        const n = (s: keyof InventoryReportCounts['byEncryptionStatus']): Cell =>
          text(c ? String(c.byEncryptionStatus[s]) : undefined);
        rows.push([
          text(o.accountId),
          text(o.region),
          text(o.bucket),
          text(r.configurationId),
          text(`s3://${r.destinationBucket}/${r.reportPrefix}`),
          c
            ? text(`s3://${r.destinationBucket}/${c.manifestKey}`)
            : isGap(rep)
              ? { text: `${gapText(rep)}: ${rep.message}`, tone: 'gap' }
              : text('no report delivered yet', 'muted'),
          text(c ? utcLabel(c.createdAt) : undefined),
          text(c ? String(c.objects) : undefined),
          n('SSE-KMS'),
          n('DSSE-KMS'),
          n('SSE-S3'),
          n('SSE-C'),
          n('NOT-SSE'),
          text(
            c
              ? Object.entries(c.otherStatuses)
                  .map(([k, v]) => `${k}=${v}`)
                  .join('; ')
              : undefined,
          ),
          text(
            c?.byBucketKeyStatus
              ? Object.entries(c.byBucketKeyStatus)
                  .map(([k, v]) => `${k}=${v}`)
                  .join('; ')
              : undefined,
          ),
          text(c ? String(c.dataFiles) : undefined),
          text([rep.evidence, ...(c?.dataEvidence ?? [])].map((e) => `${e.file}#${e.callId}`).join(' ')),
        ]);
      }
    }
  }
  return {
    path: OBJECT_ENCRYPTION_CSV,
    title: 'Object encryption from S3 Inventory reports',
    columns: [
      { id: 'account_id' },
      { id: 'region' },
      { id: 'bucket' },
      { id: 'inventory_configuration' },
      { id: 'report_location' },
      { id: 'manifest' },
      { id: 'report_created' },
      { id: 'objects' },
      { id: 'sse_kms' },
      { id: 'dsse_kms' },
      { id: 'sse_s3' },
      { id: 'sse_c' },
      { id: 'not_sse' },
      { id: 'other_statuses' },
      { id: 'bucket_key_status' },
      { id: 'data_files' },
      { id: 'evidence_calls' },
    ],
    rows,
  };
}
