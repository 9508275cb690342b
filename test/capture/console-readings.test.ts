import { describe, expect, it } from 'vitest';
import { readConsolePage, readDefaultEncryption } from '../../src/capture/console-readings.ts';
import { withConsoleCrossChecks, type ConsoleObservation } from '../../src/evaluate/console-cross-checks.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import {
  ACCOUNT,
  KEY_ARN,
  account,
  bucket,
  config,
  deniedOf,
  errorOf,
  snapshot,
} from '../support/snapshot.ts';

/** Visible text of an S3 Properties page, as `innerText` gives it (label and value tab-separated). */
const PROPERTIES = [
  'Bucket overview',
  'AWS Region\tus-east-1',
  'Default encryption',
  'Encryption type\tServer-side encryption with AWS Key Management Service keys (SSE-KMS)',
  `Encryption key ARN\t${KEY_ARN}`,
  'Bucket Key\tEnabled',
  'Bucket Versioning',
  'Disabled',
].join('\n');

describe('reading a console page', () => {
  it('reads the default encryption type, key and Bucket Key in the console wording', () => {
    expect(readDefaultEncryption(PROPERTIES)).toEqual({
      field: 'default-encryption',
      shows: `SSE-KMS (aws:kms) with key ${KEY_ARN}, Bucket Key enabled`,
    });
    expect(
      readDefaultEncryption(
        'Default encryption\nEncryption type\tServer-side encryption with Amazon S3 managed keys (SSE-S3)\nBucket Key\tDisabled',
      )?.shows,
    ).toBe('SSE-S3 (AES256), Bucket Key disabled');
    expect(
      readDefaultEncryption(
        'Default encryption\nEncryption type\tDual-layer server-side encryption with AWS KMS keys (DSSE-KMS)',
      )?.shows,
    ).toBe('DSSE-KMS (aws:kms:dsse)');
    // A rule naming the key by alias is shown (and read) by alias.
    expect(
      readDefaultEncryption(
        'Default encryption\nEncryption type\tServer-side encryption with AWS Key Management Service keys (SSE-KMS)\nEncryption key ARN\talias/acme-data\nBucket Key\tEnabled',
      )?.shows,
    ).toBe('SSE-KMS (aws:kms) with key alias/acme-data, Bucket Key enabled');
  });

  it('reads nothing from a page that does not show the setting (a permissions notice, another page)', () => {
    expect(
      readDefaultEncryption(
        "Default encryption\nInsufficient permissions: you don't have permission to view this setting.",
      ),
    ).toBeUndefined();
    // The type's wording outside the Default encryption panel is not a reading.
    expect(
      readDefaultEncryption('Server-side encryption with Amazon S3 managed keys (SSE-S3) is the default.'),
    ).toBeUndefined();
    expect(readConsolePage('Block public access (bucket settings)', ['default-encryption'])).toEqual([]);
  });
});

describe('withConsoleCrossChecks', () => {
  const observation = (over: Partial<ConsoleObservation> = {}): ConsoleObservation => ({
    field: 'default-encryption',
    shows: 'SSE-S3 (AES256), Bucket Key disabled',
    accountId: ACCOUNT,
    resource: 'arn:aws:s3:::hidden',
    screenshot: `screenshots/console_bucket-properties_${ACCOUNT}_hidden.png`,
    capturedAt: '2026-03-01T10:06:00.000Z',
    ...over,
  });

  it('adds one contradiction per denied or failed read whose page shows the value, and counts it', async () => {
    const snap = snapshot([
      account({
        buckets: [
          bucket('hidden', { encryption: deniedOf('GetBucketEncryption') }),
          bucket('failed', { encryption: errorOf('GetBucketEncryption') }),
          bucket('read'),
        ],
      }),
    ]);
    const evaluation = await evaluate(snap, config());
    const before = evaluation.crossChecks.length;
    const out = withConsoleCrossChecks(evaluation, snap, [
      observation(),
      observation({ screenshot: 'screenshots/again.png' }),
      observation({ resource: 'arn:aws:s3:::failed' }),
      observation({ resource: 'arn:aws:s3:::read' }),
      observation({ resource: 'arn:aws:s3:::not-in-the-snapshot' }),
    ]);
    const added = out.crossChecks.slice(before);
    expect(added.map((x) => [x.kind, x.resource.name])).toEqual([
      ['denied-read-vs-console-page', 'hidden'],
      ['denied-read-vs-console-page', 'failed'],
    ]);
    expect(out.summary.crossChecks).toBe(before + 2);
    const hidden = snap.accounts[0]!.buckets[0]!;
    expect(added[0]!.sources[0]!.evidence).toEqual([hidden.encryption.evidence]);
    expect(added[0]!.sources[1]).toMatchObject({
      says: 'SSE-S3 (AES256), Bucket Key disabled',
      evidence: [],
      screenshots: [`screenshots/console_bucket-properties_${ACCOUNT}_hidden.png`],
    });
    expect(added[0]!.sources[1]!.source).toContain('captured 2026-03-01 10:06:00 UTC');
    expect(added[1]!.summary).toContain('GetBucketEncryption read failed');
    // The checks named are those whose results for the bucket cite the denied read.
    expect(added[0]!.checks).toContain('s3.default-encryption');
    const citing = evaluation.findings.filter(
      (f) =>
        f.resource.arn === hidden.arn &&
        f.evidence.some((e) => e.callId === hidden.encryption.evidence.callId),
    );
    expect(added[0]!.checks).toEqual([...new Set(citing.map((f) => f.checkId))].sort());
    // The input evaluation is left as it was.
    expect(evaluation.crossChecks).toHaveLength(before);
  });

  it('returns the evaluation unchanged when no page contradicts a read', async () => {
    const snap = snapshot([account({ buckets: [bucket('read')] })]);
    const evaluation = await evaluate(snap, config());
    expect(withConsoleCrossChecks(evaluation, snap, [observation({ resource: 'arn:aws:s3:::read' })])).toBe(
      evaluation,
    );
  });
});
