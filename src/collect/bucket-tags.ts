import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { call, derivedAbsent } from '../aws/call.ts';
import type { ClientFactory } from '../aws/client-factory.ts';
import { DERIVED, type EvidenceRef, type Gap, type Outcome } from '../snapshot/outcome.ts';
import type { BucketRef } from './buckets.ts';
import { required, requiredList } from './parse.ts';

/** A bucket's tags as `Outcome`, like GetBucketTagging's. */
export type BucketTags = Outcome<Record<string, string>>;

/** The tagged S3 buckets of an account, read once per region instead of once per bucket. */
export interface TaggedBuckets {
  /**
   * The tags of `ref`, when the listing of its region answered: `ok` with the page that lists it,
   * or `absent` (`derived:NoTagsInGetResources`) when no listing names it. Undefined when the
   * bucket must be asked itself (its region's listing is a gap, or its region is not known).
   */
  tagsOf(ref: BucketRef): BucketTags | undefined;
  /** The regions whose listing was a gap, with the gap (their buckets are read one by one). */
  gaps: Map<string, Gap>;
}

/**
 * Resource Groups Tagging API `GetResources` (`ResourceTypeFilters: ["s3:bucket"]`, 100 per page) in
 * each region of the buckets: it lists every tagged bucket of the account in that region with all
 * its tags, so one page stands for up to 100 GetBucketTagging calls, and a bucket it does not list
 * has no tags. Listings of all regions are merged, so a bucket listed under another region is not
 * taken for untagged.
 */
export async function listTaggedBuckets(
  factory: ClientFactory,
  refs: readonly BucketRef[],
): Promise<TaggedBuckets> {
  const regions = [...new Set(refs.map((r) => r.region))].sort();
  const tags = new Map<string, { value: Record<string, string>; evidence: EvidenceRef }>();
  const listed = new Map<string, EvidenceRef>();
  const gaps = new Map<string, Gap>();
  await Promise.all(
    regions.map(async (region) => {
      const result = await taggedInRegion(factory, region);
      if (result.status === 'gap') {
        gaps.set(region, result.gap);
        return;
      }
      listed.set(region, result.first);
      for (const [arn, entry] of result.tags) tags.set(arn, entry);
    }),
  );
  return {
    gaps,
    tagsOf(ref) {
      const entry = tags.get(ref.arn);
      if (entry) return { status: 'ok', value: entry.value, evidence: entry.evidence };
      const evidence = listed.get(ref.region);
      if (!evidence || ref.regionUnknown) return undefined;
      return derivedAbsent(DERIVED.untagged, evidence);
    },
  };
}

type RegionListing =
  | {
      status: 'ok';
      first: EvidenceRef;
      tags: Map<string, { value: Record<string, string>; evidence: EvidenceRef }>;
    }
  | { status: 'gap'; gap: Gap };

async function taggedInRegion(factory: ClientFactory, region: string): Promise<RegionListing> {
  const tags = new Map<string, { value: Record<string, string>; evidence: EvidenceRef }>();
  const seen = new Set<string>();
  let first: EvidenceRef | undefined;
  let token: string | undefined;
  for (;;) {
    const page = await call(
      factory,
      'tagging',
      region,
      new GetResourcesCommand({
        ResourceTypeFilters: ['s3:bucket'],
        ResourcesPerPage: 100,
        ...(token ? { PaginationToken: token } : {}),
      }),
      (o) => ({
        items: requiredList(o.ResourceTagMappingList, 'ResourceTagMappingList').map((m) => ({
          arn: required(m.ResourceARN, 'ResourceTagMapping.ResourceARN'),
          tags: Object.fromEntries(
            requiredList(m.Tags, 'ResourceTagMapping.Tags').map((t) => [
              required(t.Key, 'Tag.Key'),
              required(t.Value, 'Tag.Value'),
            ]),
          ),
        })),
        next: o.PaginationToken || undefined,
      }),
    );
    if (page.status === 'denied' || page.status === 'error') return { status: 'gap', gap: page };
    if (page.status === 'absent')
      return {
        status: 'gap',
        gap: { ...page, status: 'error', message: 'GetResources answered "not found"' },
      };
    first ??= page.evidence;
    for (const item of page.value.items) tags.set(item.arn, { value: item.tags, evidence: page.evidence });
    token = page.value.next;
    if (!token) return { status: 'ok', first, tags };
    if (seen.has(token))
      return {
        status: 'gap',
        gap: {
          status: 'error',
          errorCode: 'PaginationLoop',
          message: 'the service returned the same pagination token twice',
          evidence: page.evidence,
        },
      };
    seen.add(token);
  }
}
