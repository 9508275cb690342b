/**
 * S3 Inventory delivery: what S3 writes to the destination bucket when a configuration's schedule
 * comes round, in its documented layout —
 *
 * - `<prefix>/<source>/<id>/data/<uuid>.csv.gz`: gzip-compressed CSV, no header, every value quoted,
 *   keys URL-encoded, columns in the order of the manifest's `fileSchema`;
 * - `<prefix>/<source>/<id>/<YYYY-MM-DDTHH-MMZ>/manifest.json` (`sourceBucket`, `destinationBucket`,
 *   `version`, `creationTimestamp`, `fileFormat`, `fileSchema`, `files[{key, size, MD5checksum}]`)
 *   and `manifest.checksum` (the MD5 of manifest.json);
 * - `<prefix>/<source>/<id>/hive/dt=<YYYY-MM-DD-HH-MM>/symlink.txt`.
 *
 * AWS delivers on its own schedule; the sandbox delivers when asked (admin API
 * `POST /_sandbox/inventory-report`, or {@link deliverInventoryReport} in-process).
 */
import { createHash, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { SandboxState } from '../state.ts';
import type { BucketState, InventoryConfigState, ObjectState } from '../types.ts';
import { INVENTORY_OPTIONAL_FIELDS } from './inventory.ts';

/** Options of {@link deliverInventoryReport}. */
export interface DeliverOptions {
  /** When the scan started (the report's timestamp); default the sandbox clock. */
  at?: Date | undefined;
  /** Rows per data file (S3 splits large inventories over several files); default 1000. */
  rowsPerFile?: number | undefined;
}

/** Where a delivered report went. */
export interface DeliveredReport {
  destinationBucket: string;
  manifestKey: string;
  dataKeys: string[];
  rows: number;
}

/** The inventory's `EncryptionStatus` of an object. */
function encryptionStatus(o: ObjectState): string {
  if (o.sseCustomer) return 'SSE-C';
  if (o.sse === 'aws:kms:dsse') return 'DSSE-KMS';
  if (o.sse === 'aws:kms') return 'SSE-KMS';
  if (o.sse === 'AES256') return 'SSE-S3';
  return 'NOT-SSE';
}

function fieldValue(field: string, bucket: BucketState, o: ObjectState): string {
  switch (field) {
    case 'Size':
      return String(o.body.length);
    case 'LastModifiedDate':
      return o.lastModified.toISOString();
    case 'ETag':
      return o.etag.replace(/"/g, '');
    case 'StorageClass':
      return 'STANDARD';
    case 'IsMultipartUploaded':
      return 'false';
    case 'EncryptionStatus':
      return encryptionStatus(o);
    case 'BucketKeyStatus':
      return o.sse === 'aws:kms' && bucket.encryption?.[0]?.BucketKeyEnabled ? 'ENABLED' : 'DISABLED';
    case 'ObjectLockRetainUntilDate':
      return o.retainUntil?.toISOString() ?? '';
    case 'ObjectLockMode':
      return o.retentionMode ?? '';
    case 'ObjectOwner':
      return bucket.ownerId;
    default:
      return '';
  }
}

/** A UUID-shaped data file name, stable for one report (so a rebuilt demo names the same files). */
function fileId(base: string, folder: string, index: number): string {
  const h = createHash('sha256').update(`${base}|${folder}|${index}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const quote = (v: string): string => `"${v.replace(/"/g, '""')}"`;

/** `2026-12-01T10-00Z` (the report folder) and `2026-12-01-10-00` (the hive partition). */
function stamps(at: Date): { folder: string; hive: string } {
  const iso = at.toISOString();
  const day = iso.slice(0, 10);
  const hh = iso.slice(11, 13);
  const mm = iso.slice(14, 16);
  return { folder: `${day}T${hh}-${mm}Z`, hive: `${day}-${hh}-${mm}` };
}

/** Write an object the way S3's own delivery does: encrypted as the configuration or bucket says. */
function writeObject(
  state: SandboxState,
  dest: BucketState,
  key: string,
  body: Buffer,
  contentType: string,
  encryption: InventoryConfigState['destination']['encryption'],
): void {
  const rule = dest.encryption?.[0];
  const sse = encryption?.kind === 'SSE-KMS' ? 'aws:kms' : encryption ? 'AES256' : rule?.SSEAlgorithm;
  const object: ObjectState = {
    key,
    body,
    etag: `"${createHash('md5').update(body).digest('hex')}"`,
    versionId: dest.versioning === 'Enabled' ? randomUUID().replace(/-/g, '') : 'null',
    lastModified: state.now(),
    contentType,
    sse,
    sseKmsKeyId:
      encryption?.kind === 'SSE-KMS'
        ? encryption.keyId
        : sse?.startsWith('aws:kms')
          ? rule?.KMSMasterKeyID
          : undefined,
  };
  const earlier = dest.versioning === 'Enabled' ? (dest.objects.get(key) ?? []) : [];
  dest.objects.set(key, [...earlier, object]);
}

/**
 * Deliver one report of `configId` of bucket `source` now, as S3 does on schedule. Throws when the
 * bucket, the configuration or the destination does not exist, the destination is in another
 * region (S3 requires the same region), or the configuration is not CSV (the sandbox writes CSV only).
 */
export function deliverInventoryReport(
  state: SandboxState,
  source: string,
  configId: string,
  opts: DeliverOptions = {},
): DeliveredReport {
  const bucket = state.buckets.get(source);
  if (!bucket) throw new Error(`no bucket ${source}`);
  const config = bucket.inventory?.get(configId);
  if (!config) throw new Error(`bucket ${source} has no inventory configuration ${configId}`);
  const destName = config.destination.bucketArn.split(':::')[1] ?? '';
  const dest = state.buckets.get(destName);
  if (!dest) throw new Error(`destination bucket ${destName} does not exist`);
  if (dest.region !== bucket.region)
    throw new Error(`destination ${destName} is in ${dest.region}, not ${bucket.region}`);
  if (config.destination.format !== 'CSV')
    throw new Error(`the sandbox delivers CSV inventories only (${config.destination.format})`);

  const all = config.includedObjectVersions === 'All';
  const optional = INVENTORY_OPTIONAL_FIELDS.filter((f) => config.optionalFields.includes(f));
  const fileSchema = [
    'Bucket',
    'Key',
    ...(all ? ['VersionId', 'IsLatest', 'IsDeleteMarker'] : []),
    ...optional,
  ];
  const rows: string[] = [];
  for (const key of [...bucket.objects.keys()].sort()) {
    if (config.filterPrefix && !key.startsWith(config.filterPrefix)) continue;
    const versions = bucket.objects.get(key) ?? [];
    const listed = all ? versions : versions.slice(-1);
    for (const o of listed) {
      const values = [
        bucket.name,
        encodeURIComponent(key).replace(/%2F/g, '/'),
        ...(all ? [o.versionId, String(o === versions.at(-1)), 'false'] : []),
        ...optional.map((f) => fieldValue(f, bucket, o)),
      ];
      rows.push(values.map(quote).join(','));
    }
  }

  const at = opts.at ?? state.now();
  const { folder, hive } = stamps(at);
  const base = [config.destination.prefix, bucket.name, config.id].filter(Boolean).join('/');
  const perFile = Math.max(1, opts.rowsPerFile ?? 1000);
  const files: { key: string; size: number; MD5checksum: string }[] = [];
  for (let i = 0; i < rows.length; i += perFile) {
    const chunk = rows.slice(i, i + perFile);
    const gz = gzipSync(Buffer.from(chunk.map((r) => `${r}\n`).join(''), 'utf8'));
    const key = `${base}/data/${fileId(base, folder, i)}.csv.gz`;
    writeObject(state, dest, key, gz, 'application/octet-stream', config.destination.encryption);
    files.push({ key, size: gz.length, MD5checksum: createHash('md5').update(gz).digest('hex') });
  }
  const manifest = Buffer.from(
    JSON.stringify(
      {
        sourceBucket: bucket.name,
        destinationBucket: config.destination.bucketArn,
        version: '2016-11-30',
        creationTimestamp: String(at.getTime()),
        fileFormat: 'CSV',
        fileSchema: fileSchema.join(', '),
        files,
      },
      null,
      2,
    ),
    'utf8',
  );
  const manifestKey = `${base}/${folder}/manifest.json`;
  const enc = config.destination.encryption;
  writeObject(state, dest, manifestKey, manifest, 'application/json', enc);
  const checksum = Buffer.from(createHash('md5').update(manifest).digest('hex'), 'utf8');
  writeObject(state, dest, `${base}/${folder}/manifest.checksum`, checksum, 'text/plain', enc);
  const symlink = Buffer.from(files.map((f) => `s3://${dest.name}/${f.key}\n`).join(''), 'utf8');
  writeObject(state, dest, `${base}/hive/dt=${hive}/symlink.txt`, symlink, 'text/plain', enc);
  return { destinationBucket: dest.name, manifestKey, dataKeys: files.map((f) => f.key), rows: rows.length };
}
