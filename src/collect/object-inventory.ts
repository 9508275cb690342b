import { createHash } from 'node:crypto';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { parse as csvParser } from 'csv-parse';
import { call, callPages, derivedAbsent } from '../aws/call.ts';
import type { ClientFactory } from '../aws/client-factory.ts';
import { errorMessage } from '../aws/classify.ts';
import type { EvidenceRef, Outcome } from '../snapshot/outcome.ts';
import type {
  BucketObjectInventory,
  BucketSnapshot,
  InventoryConfiguration,
  InventoryEncryptionStatus,
  InventoryReportCounts,
  InventoryReportReading,
} from '../snapshot/model.ts';
import { reportsEncryption } from '../snapshot/inventory.ts';
import { required } from './parse.ts';

/** The statuses S3 Inventory documents for its `EncryptionStatus` column. */
export const ENCRYPTION_STATUSES: readonly InventoryEncryptionStatus[] = [
  'SSE-KMS',
  'DSSE-KMS',
  'SSE-S3',
  'SSE-C',
  'NOT-SSE',
];

/** A report folder under `<prefix>/<source>/<id>/`: the scan's start, `YYYY-MM-DDTHH-MMZ/`. */
const REPORT_FOLDER = /(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})Z\/$/;

/**
 * The latest report of every enabled inventory configuration of `bucket` that includes
 * `EncryptionStatus`, read from its destination in the bucket's region (S3 delivers only to a
 * bucket of the same region): the newest `YYYY-MM-DDTHH-MMZ/manifest.json` under
 * `<prefix>/<source>/<id>/` (ListObjectsV2 with a delimiter, every page), then each CSV data file
 * it lists (gzip), checked against the manifest's MD5. Objects are counted, never kept.
 */
export async function collectObjectInventory(
  factory: ClientFactory,
  bucket: BucketSnapshot,
): Promise<BucketObjectInventory> {
  const configs = bucket.inventoryConfigurations;
  const wanted = configs?.status === 'ok' ? configs.value.filter(reportsEncryption) : [];
  const reports: InventoryReportReading[] = [];
  for (const c of wanted) reports.push(await readLatestReport(factory, bucket, c));
  return {
    bucketArn: bucket.arn,
    bucket: bucket.name,
    accountId: bucket.accountId,
    region: bucket.region,
    reports,
  };
}

/** The `<prefix>/<source>/<id>/` folder S3 delivers a configuration's reports to. */
export function reportPrefixOf(source: string, c: InventoryConfiguration): string {
  const prefix = c.destination.prefix?.replace(/\/+$/, '');
  return `${[prefix, source, c.id].filter(Boolean).join('/')}/`;
}

async function readLatestReport(
  factory: ClientFactory,
  bucket: BucketSnapshot,
  c: InventoryConfiguration,
): Promise<InventoryReportReading> {
  const destinationBucket = c.destination.bucketArn.replace(/^arn:[^:]+:s3:::/, '');
  const reportPrefix = reportPrefixOf(bucket.name, c);
  const reading = (report: Outcome<InventoryReportCounts>): InventoryReportReading => ({
    configurationId: c.id,
    destinationBucket,
    reportPrefix,
    report,
  });
  if (c.destination.format !== 'CSV') {
    return reading(
      unreadable(
        'UnsupportedFormat',
        `the ${c.destination.format} inventory format is not read (only CSV reports are counted)`,
        { file: '', callId: 'unrecorded', service: 's3', operation: 'ListObjectsV2' },
      ),
    );
  }
  const folders = await callPages(
    factory,
    's3',
    bucket.region,
    (token) =>
      new ListObjectsV2Command({
        Bucket: destinationBucket,
        Prefix: reportPrefix,
        Delimiter: '/',
        ...(token ? { ContinuationToken: token } : {}),
      }),
    (o) => ({
      items: (o.CommonPrefixes ?? []).flatMap((p) =>
        p.Prefix && REPORT_FOLDER.test(p.Prefix) ? [p.Prefix] : [],
      ),
      next: o.IsTruncated ? required(o.NextContinuationToken, 'NextContinuationToken') : undefined,
    }),
  );
  if (folders.status !== 'ok') return reading(folders);
  const latest = [...folders.value].sort().at(-1);
  if (!latest) return reading(derivedAbsent('NoInventoryReport', folders.evidence));
  return reading(await readReport(factory, bucket, destinationBucket, `${latest}manifest.json`));
}

/** The manifest members the counting needs, checked as S3 writes them. */
interface Manifest {
  createdAt: string;
  fileSchema: string[];
  files: { key: string; MD5checksum: string }[];
}

function parseManifest(text: string): Manifest {
  const m = JSON.parse(text) as Record<string, unknown>;
  if (m.fileFormat !== 'CSV') throw new Error(`fileFormat is ${String(m.fileFormat)}, not CSV`);
  if (typeof m.fileSchema !== 'string') throw new Error('the manifest has no fileSchema');
  const created = Number(m.creationTimestamp);
  if (!Number.isFinite(created)) throw new Error('the manifest has no creationTimestamp');
  if (!Array.isArray(m.files)) throw new Error('the manifest has no files');
  const files = m.files.map((f: unknown) => {
    const file = f as Record<string, unknown>;
    if (typeof file.key !== 'string' || typeof file.MD5checksum !== 'string')
      throw new Error('a manifest file entry lacks key or MD5checksum');
    return { key: file.key, MD5checksum: file.MD5checksum.toLowerCase() };
  });
  return {
    createdAt: new Date(created).toISOString(),
    fileSchema: m.fileSchema.split(',').map((s) => s.trim()),
    files,
  };
}

function unreadable(errorCode: string, message: string, evidence: EvidenceRef): Outcome<never> {
  return { status: 'error', errorCode, message, evidence };
}

/** GetObject's body as bytes-in-a-stream, or the outcome that says why not. */
async function getObject(
  factory: ClientFactory,
  region: string,
  Bucket: string,
  Key: string,
): Promise<Outcome<Readable>> {
  return call(factory, 's3', region, new GetObjectCommand({ Bucket, Key }), (o) => {
    const body = required(o.Body, 'Body');
    if (!(body instanceof Readable)) throw new Error('GetObject returned no readable body');
    return body;
  });
}

async function readReport(
  factory: ClientFactory,
  bucket: BucketSnapshot,
  destination: string,
  manifestKey: string,
): Promise<Outcome<InventoryReportCounts>> {
  const got = await getObject(factory, bucket.region, destination, manifestKey);
  if (got.status !== 'ok') return got;
  let manifest: Manifest;
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of got.value) chunks.push(Buffer.from(chunk as Uint8Array));
    manifest = parseManifest(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    return unreadable('Unparseable', `${manifestKey}: ${errorMessage(err)}`, got.evidence);
  }
  const statusAt = manifest.fileSchema.indexOf('EncryptionStatus');
  if (statusAt < 0)
    return unreadable(
      'MissingField',
      `${manifestKey}: the fileSchema has no EncryptionStatus column`,
      got.evidence,
    );
  const counter = new Counter(manifest.fileSchema);
  const dataEvidence: EvidenceRef[] = [];
  for (const file of manifest.files) {
    const data = await getObject(factory, bucket.region, destination, file.key);
    if (data.status !== 'ok') return data;
    dataEvidence.push(data.evidence);
    const md5 = createHash('md5');
    try {
      await pipeline(
        data.value,
        new Transform({
          transform(chunk: Buffer, _enc, done) {
            md5.update(chunk);
            done(null, chunk);
          },
        }),
        createGunzip(),
        csvParser({ relax_column_count: true }),
        new Writable({
          objectMode: true,
          write(row: string[], _enc, done) {
            counter.add(row);
            done();
          },
        }),
      );
    } catch (err) {
      const actual = md5.digest('hex');
      if (actual !== file.MD5checksum) return mismatch(file.key, file.MD5checksum, actual, data.evidence);
      return unreadable('Unparseable', `${file.key}: ${errorMessage(err)}`, data.evidence);
    }
    const actual = md5.digest('hex');
    if (actual !== file.MD5checksum) return mismatch(file.key, file.MD5checksum, actual, data.evidence);
  }
  return {
    status: 'ok',
    value: {
      manifestKey,
      createdAt: manifest.createdAt,
      fileSchema: manifest.fileSchema,
      dataFiles: manifest.files.length,
      ...counter.result(),
      dataEvidence,
    },
    evidence: got.evidence,
  };
}

function mismatch(key: string, expected: string, actual: string, evidence: EvidenceRef): Outcome<never> {
  return unreadable(
    'ChecksumMismatch',
    `${key}: MD5 ${actual} differs from the manifest's MD5checksum ${expected}, so the file is not the one S3 delivered`,
    evidence,
  );
}

/** Counts rows by the columns `fileSchema` names, wherever they are. */
class Counter {
  private readonly statusAt: number;
  private readonly deleteMarkerAt: number;
  private readonly bucketKeyAt: number;
  private objects = 0;
  private readonly byStatus = Object.fromEntries(ENCRYPTION_STATUSES.map((s) => [s, 0])) as Record<
    InventoryEncryptionStatus,
    number
  >;
  private readonly other: Record<string, number> = {};
  private readonly byBucketKey: Record<string, number> = {};

  constructor(schema: string[]) {
    this.statusAt = schema.indexOf('EncryptionStatus');
    this.deleteMarkerAt = schema.indexOf('IsDeleteMarker');
    this.bucketKeyAt = schema.indexOf('BucketKeyStatus');
  }

  add(row: string[]): void {
    // A delete marker is not an object and has no encryption.
    if (this.deleteMarkerAt >= 0 && row[this.deleteMarkerAt] === 'true') return;
    this.objects++;
    const status = row[this.statusAt] ?? '';
    const known = ENCRYPTION_STATUSES.find((s) => s === status);
    if (known) this.byStatus[known]++;
    else this.other[status] = (this.other[status] ?? 0) + 1;
    if (this.bucketKeyAt >= 0) {
      const bk = row[this.bucketKeyAt] ?? '';
      this.byBucketKey[bk] = (this.byBucketKey[bk] ?? 0) + 1;
    }
  }

  result(): Pick<
    InventoryReportCounts,
    'objects' | 'byEncryptionStatus' | 'otherStatuses' | 'byBucketKeyStatus'
  > {
    return {
      objects: this.objects,
      byEncryptionStatus: { ...this.byStatus },
      otherStatuses: { ...this.other },
      ...(this.bucketKeyAt >= 0 ? { byBucketKeyStatus: { ...this.byBucketKey } } : {}),
    };
  }
}
