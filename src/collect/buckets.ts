import { GetBucketLocationCommand, ListBucketsCommand, type Bucket } from '@aws-sdk/client-s3';
import { call, callPages } from '../aws/call.ts';
import type { ClientFactory } from '../aws/client-factory.ts';
import type { Outcome } from '../snapshot/outcome.ts';
import { iso, required, requiredList } from './parse.ts';

/** A bucket as listed, with its region resolved. */
export interface BucketRef {
  name: string;
  arn: string;
  accountId: string;
  region: string;
  regionSource: 'ListBuckets' | 'GetBucketLocation';
  creationDate?: string | undefined;
  /** GetBucketLocation failed: `region` is the listing region, a guess (S3 follows redirects). */
  regionUnknown?: true | undefined;
}

/** The account's bucket inventory. */
export interface BucketListing {
  /** The ListBuckets pages; a gap means the inventory is incomplete. */
  listing: Outcome<{ count: number }>;
  /** Buckets in scope, sorted by name. */
  buckets: BucketRef[];
  /** Buckets listed in regions outside the scope, sorted by name: reported, not assessed. */
  outOfScope: BucketRef[];
}

/** Options of {@link listBuckets}. */
export interface ListBucketsOptions {
  accountId: string;
  /** Region of the client that lists (ListBuckets is global; asked once per account). */
  region: string;
  /** Keep only buckets in these regions; default all. */
  regions?: string[] | undefined;
  /** ARN partition, default `aws`. */
  partition?: string | undefined;
}

/**
 * ListBuckets once per account (pages of 1000), region from `BucketRegion` or, where a response
 * lacks it, GetBucketLocation. A bucket whose location cannot be read stays in scope in the
 * listing region (S3 follows region redirects), so it is never dropped silently.
 */
export async function listBuckets(factory: ClientFactory, opts: ListBucketsOptions): Promise<BucketListing> {
  const listing = await callPages(
    factory,
    's3',
    opts.region,
    (token) => new ListBucketsCommand({ MaxBuckets: 1000, ...(token ? { ContinuationToken: token } : {}) }),
    (o) => ({
      items: requiredList(o.Buckets, 'Buckets').map((b) => ({ ...b, Name: required(b.Name, 'Bucket.Name') })),
      next: o.ContinuationToken,
    }),
  );
  if (listing.status !== 'ok') return { listing, buckets: [], outOfScope: [] };
  const partition = opts.partition ?? 'aws';
  const refs = await Promise.all(listing.value.map((b) => resolveRegion(factory, opts, partition, b)));
  const inScope = opts.regions ? new Set(opts.regions) : undefined;
  const byName = (a: BucketRef, b: BucketRef) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const isIn = (r: BucketRef) => !inScope || inScope.has(r.region) || r.region === '';
  const buckets = refs
    .filter(isIn)
    .map((r) => (r.region === '' ? { ...r, region: opts.region, regionUnknown: true as const } : r))
    .sort(byName);
  const outOfScope = refs.filter((r) => !isIn(r)).sort(byName);
  return { listing: { ...listing, value: { count: listing.value.length } }, buckets, outOfScope };
}

async function resolveRegion(
  factory: ClientFactory,
  opts: ListBucketsOptions,
  partition: string,
  b: Bucket & { Name: string },
): Promise<BucketRef> {
  const name = b.Name;
  const base = {
    name,
    arn: `arn:${partition}:s3:::${name}`,
    accountId: opts.accountId,
    creationDate: iso(b.CreationDate),
  };
  if (b.BucketRegion) return { ...base, region: b.BucketRegion, regionSource: 'ListBuckets' };
  const loc = await call(factory, 's3', opts.region, new GetBucketLocationCommand({ Bucket: name }), (o) =>
    normalizeLocation(o.LocationConstraint),
  );
  // '' marks "unknown": kept in scope whatever the region filter says.
  return { ...base, region: loc.status === 'ok' ? loc.value : '', regionSource: 'GetBucketLocation' };
}

/** GetBucketLocation's LocationConstraint as a region: empty/null → us-east-1, legacy `EU` → eu-west-1. */
export function normalizeLocation(constraint: string | undefined | null): string {
  if (!constraint) return 'us-east-1';
  if (constraint === 'EU') return 'eu-west-1';
  return constraint;
}
