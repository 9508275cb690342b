import { afterEach, describe, expect, it } from 'vitest';
import { CreateBucketCommand, PutBucketTaggingCommand } from '@aws-sdk/client-s3';
import { collectBucketConfig } from '../../src/collect/bucket-config.ts';
import { listTaggedBuckets } from '../../src/collect/bucket-tags.ts';
import { listBuckets } from '../../src/collect/buckets.ts';
import { ACCOUNT, startHarness, type Harness } from './harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** 230 buckets in us-east-1 (two in three tagged: more than two pages of 100) and one tagged in eu-west-1. */
async function estate(harness: Harness): Promise<void> {
  const east = harness.s3('us-east-1');
  for (let i = 0; i < 230; i++) {
    const Bucket = `tags-${String(i).padStart(3, '0')}`;
    await east.send(new CreateBucketCommand({ Bucket }));
    if (i % 3 !== 0)
      await east.send(
        new PutBucketTaggingCommand({
          Bucket,
          Tagging: {
            TagSet: [
              { Key: 'n', Value: String(i) },
              { Key: 'team', Value: i % 2 ? 'a' : 'b' },
            ],
          },
        }),
      );
  }
  const west = harness.s3('eu-west-1');
  await west.send(
    new CreateBucketCommand({
      Bucket: 'tags-west',
      CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
    }),
  );
  await west.send(
    new PutBucketTaggingCommand({
      Bucket: 'tags-west',
      Tagging: { TagSet: [{ Key: 'where', Value: 'west' }] },
    }),
  );
}

describe('listTaggedBuckets (Tagging API GetResources)', () => {
  it('gives every bucket the tags GetBucketTagging gives, in a few pages per region', async () => {
    h = await startHarness();
    await estate(h);
    const { buckets } = await listBuckets(h.factory, { accountId: ACCOUNT, region: 'us-east-1' });
    expect(buckets).toHaveLength(231);
    const tagged = await listTaggedBuckets(h.factory, buckets);
    expect(tagged.gaps.size).toBe(0);
    // ceil(153 / 100) pages in us-east-1, one in eu-west-1.
    expect(h.requests('tagging', 'GetResources')).toBe(3);
    for (const ref of buckets) {
      const read = (await collectBucketConfig(h.factory, ref, { deriveImpliedReads: false })).tags;
      const listed = tagged.tagsOf(ref);
      if (read.status === 'ok') expect(listed, ref.name).toMatchObject({ status: 'ok', value: read.value });
      else {
        expect(read).toMatchObject({ status: 'absent', errorCode: 'NoSuchTagSet' });
        expect(listed, ref.name).toMatchObject({
          status: 'absent',
          errorCode: 'derived:NoTagsInGetResources',
          evidence: { service: 'tagging', operation: 'GetResources' },
        });
      }
    }
  }, 120_000);

  it('leaves the buckets of a region whose listing is denied to GetBucketTagging', async () => {
    h = await startHarness();
    await estate(h);
    h.addFault({ service: 'tagging', operation: 'GetResources', kind: 'AccessDenied' });
    const { buckets } = await listBuckets(h.factory, { accountId: ACCOUNT, region: 'us-east-1' });
    const tagged = await listTaggedBuckets(h.factory, buckets);
    expect([...tagged.gaps.keys()].sort()).toEqual(['eu-west-1', 'us-east-1']);
    const west = buckets.find((b) => b.name === 'tags-west');
    expect(west && tagged.tagsOf(west)).toBeUndefined();
    if (!west) return;
    const before = h.requests('s3', 'GetBucketTagging');
    const snapshot = await collectBucketConfig(h.factory, west, { tags: tagged.tagsOf(west) });
    expect(snapshot.tags).toMatchObject({ status: 'ok', value: { where: 'west' } });
    expect(h.requests('s3', 'GetBucketTagging')).toBe(before + 1);
  }, 120_000);
});
