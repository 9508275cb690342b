import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import type { CrossCheck } from '../../src/checks/types.ts';
import type { BucketConfigHistory, BucketSnapshot, ConfigRegionSnapshot } from '../../src/snapshot/model.ts';
import {
  ACCOUNT,
  REGION,
  absentOf,
  account,
  bucket,
  config,
  configRegion,
  deniedOf,
  kmsEncryption,
  okOf,
  snapshot,
  withPolicy,
} from '../support/snapshot.ts';

const onlySse = config({ awsConfig: { requiredRules: ['S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED'] } });

function sseCompliant(): Partial<ConfigRegionSnapshot> {
  return {
    results: [
      {
        ruleName: 's3-sse',
        sourceIdentifier: 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED',
        evaluations: okOf(
          [
            {
              resourceType: 'AWS::S3::Bucket',
              resourceId: 'data',
              complianceType: 'COMPLIANT',
              resultRecordedTime: '2026-02-28T09:00:00.000Z',
            },
          ],
          'GetComplianceDetailsByConfigRule',
          'config',
        ),
      },
    ],
  };
}

/** History whose last item records AES256 default encryption, over a period ending at `end`. */
function aes256History(end: string): BucketConfigHistory {
  return {
    bucketArn: 'arn:aws:s3:::data',
    bucket: 'data',
    accountId: ACCOUNT,
    region: REGION,
    period: { start: '2026-01-01T00:00:00.000Z', end },
    items: okOf(
      [
        {
          captureTime: '2026-02-01T00:00:00.000Z',
          status: 'OK',
          supplementaryConfiguration: {
            ServerSideEncryptionConfiguration: JSON.stringify({
              rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
            }),
          },
        },
      ],
      'GetResourceConfigHistory',
      'config',
    ),
  };
}

async function crossChecksOf(
  b: BucketSnapshot,
  over: { region?: Partial<ConfigRegionSnapshot>; history?: BucketConfigHistory } = {},
  cfg = onlySse,
) {
  const snap = snapshot([
    account({
      buckets: [b],
      config: [configRegion(over.region ?? {})],
      ...(over.history ? { configHistory: [over.history] } : {}),
    }),
  ]);
  return evaluate(snap, cfg);
}

function citesCall(x: CrossCheck, side: 0 | 1, operation: string): void {
  const s = x.sources[side];
  expect(s.evidence.map((e) => e.operation)).toContain(operation);
  for (const e of s.evidence) {
    expect(e.callId).toMatch(/\S/);
    expect(e.requestId).toMatch(/\S/);
  }
}

describe('cross-checks between sources', () => {
  it('lists an AWS Config COMPLIANT contradicted by our own check, citing both, and counts it', async () => {
    const b = bucket('data', {
      encryption: absentOf('ServerSideEncryptionConfigurationNotFoundError', 'GetBucketEncryption'),
    });
    const ev = await crossChecksOf(b, { region: sseCompliant() });
    expect(ev.crossChecks).toHaveLength(1);
    const x = ev.crossChecks[0]!;
    expect(x.kind).toBe('config-rule-vs-check');
    expect(x.resource.name).toBe('data');
    expect(x.checks).toEqual(['config.rule-compliant', 's3.default-encryption']);
    citesCall(x, 0, 'GetComplianceDetailsByConfigRule');
    citesCall(x, 1, 'GetBucketEncryption');
    expect(ev.summary.crossChecks).toBe(1);
    const rc = ev.findings.find((f) => f.checkId === 'config.rule-compliant');
    expect(rc?.status).toBe('fail');
  });

  it('lists nothing when Config and our own check agree', async () => {
    const ev = await crossChecksOf(bucket('data'), { region: sseCompliant() });
    expect(ev.crossChecks).toEqual([]);
    expect(ev.summary.crossChecks).toBe(0);
  });

  it('lists S3 PolicyStatus IsPublic false against a policy our anonymous probe finds public', async () => {
    const b = withPolicy(
      bucket('data'),
      [
        {
          Sid: 'Open',
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::data/*',
        },
      ],
      false,
    );
    const ev = await crossChecksOf(b);
    const x = ev.crossChecks.find((c) => c.kind === 'policy-status-vs-probe');
    expect(x?.summary).toMatch(/IsPublic false.*public/);
    expect(x?.sources[1].says).toMatch(/s3:GetObject allowed by Sid "Open"/);
    citesCall(x!, 0, 'GetBucketPolicyStatus');
    citesCall(x!, 1, 'GetBucketPolicy');
  });

  it('does not list a policy both S3 and the probe find public', async () => {
    const b = withPolicy(
      bucket('data'),
      [
        {
          Sid: 'Open',
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::data/*',
        },
      ],
      true,
    );
    expect((await crossChecksOf(b)).crossChecks).toEqual([]);
  });

  it("lists Config's last item against a different live read when the period reaches the collection", async () => {
    const b = bucket('data', { encryption: kmsEncryption() });
    const ev = await crossChecksOf(b, { history: aes256History('2026-03-01T10:00:00.000Z') });
    const x = ev.crossChecks.find((c) => c.kind === 'config-history-vs-live');
    expect(x?.subject).toBe('default encryption');
    expect(x?.summary).toMatch(/records AES256, but the live GetBucketEncryption read shows aws:kms/);
    citesCall(x!, 0, 'GetResourceConfigHistory');
    citesCall(x!, 1, 'GetBucketEncryption');
  });

  it('does not compare when the period ended before the collection (later changes were not read)', async () => {
    const b = bucket('data', { encryption: kmsEncryption() });
    const ev = await crossChecksOf(b, { history: aes256History('2026-02-15T00:00:00.000Z') });
    expect(ev.crossChecks).toEqual([]);
  });

  it('lists a denied live read against the Config item that records the value', async () => {
    const b = bucket('data', { encryption: deniedOf('GetBucketEncryption') });
    const ev = await crossChecksOf(b, { history: aes256History('2026-02-15T00:00:00.000Z') });
    const x = ev.crossChecks.find((c) => c.kind === 'denied-read-vs-config-item');
    expect(x?.summary).toMatch(/GetBucketEncryption read was denied.*records AES256/);
    citesCall(x!, 0, 'GetBucketEncryption');
    citesCall(x!, 1, 'GetResourceConfigHistory');
    // The gap stays a gap: the cross-check informs, it does not turn the result into a pass.
    expect(ev.findings.find((f) => f.checkId === 's3.default-encryption')?.status).toBe(
      'insufficient-evidence',
    );
  });
});
