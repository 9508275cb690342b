import { describe, expect, it } from 'vitest';
import { parseS3Uri } from '../../src/upload/s3-uri.ts';

describe('parseS3Uri', () => {
  it.each([
    ['s3://evidence', { bucket: 'evidence', prefix: '' }],
    ['s3://evidence/', { bucket: 'evidence', prefix: '' }],
    ['s3://evidence/packs', { bucket: 'evidence', prefix: 'packs/' }],
    ['s3://evidence/packs/2026/', { bucket: 'evidence', prefix: 'packs/2026/' }],
  ])('%s → the bucket and a folder prefix', (uri, target) => {
    expect(parseS3Uri(uri)).toEqual({ ok: true, target });
  });

  it.each(['https://evidence/packs', 's3://', 's3://Evidence/x', 's3://a/x'])('rejects %s', (uri) => {
    expect(parseS3Uri(uri)).toMatchObject({ ok: false, reason: expect.any(String) });
  });
});
