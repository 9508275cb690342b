import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CreateBucketCommand, PutBucketEncryptionCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import type { EvidenceRef } from '../../src/snapshot/outcome.ts';
import type { RecordedCall } from '../../src/aws/recorded-call.ts';
import { collect, type ProgressEvent } from '../../src/collect/collect.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import { buildCsvFiles } from '../../src/render/csv.ts';
import { buildReportModel } from '../../src/render/view-model.ts';
import { ACCOUNT, startHarness, testConfig, type Harness } from './harness.ts';

const OTHER = '444455556666';
const ROLE = `arn:aws:iam::${OTHER}:role/EvidenceAudit`;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** S3 client acting inside another account through the sandbox's STS (set-up only). */
async function s3As(harness: Harness, roleArn: string, region = 'us-east-1'): Promise<S3Client> {
  const sts = new STSClient({
    region: 'us-east-1',
    endpoint: harness.sandbox.url,
    credentials: { accessKeyId: 'AKIASETUP', secretAccessKey: 'x' },
  });
  const creds = (await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'setup' })))
    .Credentials;
  sts.destroy();
  if (!creds?.AccessKeyId || !creds.SecretAccessKey) throw new Error('no credentials');
  return new S3Client({
    region,
    endpoint: harness.sandbox.url,
    forcePathStyle: true,
    credentials: {
      accessKeyId: creds.AccessKeyId,
      secretAccessKey: creds.SecretAccessKey,
      sessionToken: creds.SessionToken,
    },
  });
}

/** Every EvidenceRef anywhere in a value. */
function evidenceRefs(value: unknown, out: EvidenceRef[] = []): EvidenceRef[] {
  if (Array.isArray(value)) for (const v of value) evidenceRefs(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'evidence' && v && typeof v === 'object' && 'callId' in v) out.push(v as EvidenceRef);
      else evidenceRefs(v, out);
    }
  }
  return out;
}

describe('collect over HTTP', () => {
  it('reads the caller account and an assumed-role account into one snapshot traceable to raw records', async () => {
    h = await startHarness({ accountId: undefined });
    const s3 = h.s3();
    const key = (await h.kms().send(new CreateKeyCommand({}))).KeyMetadata;
    await s3.send(new CreateBucketCommand({ Bucket: 'zeta-logs' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'alpha-data' }));
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: 'alpha-data',
        ServerSideEncryptionConfiguration: {
          Rules: [
            { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key?.Arn } },
          ],
        },
      }),
    );
    await h.s3('eu-west-1').send(
      new CreateBucketCommand({
        Bucket: 'eu-archive',
        CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
      }),
    );
    const other = await s3As(h, `arn:aws:iam::${OTHER}:role/Setup`);
    await other.send(new CreateBucketCommand({ Bucket: 'other-account-bucket' }));
    other.destroy();

    const progress: ProgressEvent[] = [];
    const snap = await collect({
      config: testConfig({
        accounts: [{ name: 'Production', roleArn: ROLE, externalId: 'ext-1' }],
        additionalRegions: ['ap-south-1'],
        collection: { concurrency: 4, maxAttempts: 2, keyUsage: { lookbackDays: 1, maxEventsPerRegion: 10 } },
      }),
      factory: h.factory,
      sink: h.sink,
      toolVersion: '9.9.9',
      runId: 'run-1',
      endpoint: h.sandbox.url,
      sandbox: true,
      onProgress: (e) => progress.push(e),
    });

    expect(snap).toMatchObject({
      schema: 'evidence-pack/snapshot@1',
      tool: { name: 'evidence-pack', version: '9.9.9' },
      runId: 'run-1',
      sandbox: true,
      endpoint: h.sandbox.url,
      caller: { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/sandbox-user` },
    });
    expect(snap.accounts.map((a) => [a.accountId, a.name, a.source.kind])).toEqual([
      [ACCOUNT, ACCOUNT, 'caller'],
      [OTHER, 'Production', 'role'],
    ]);
    const [mine, prod] = snap.accounts;
    expect(mine?.regions).toEqual(['ap-south-1', 'eu-west-1', 'us-east-1']);
    expect(mine?.buckets.map((b) => b.name)).toEqual(['alpha-data', 'eu-archive', 'zeta-logs']);
    expect(mine?.kmsKeys.map((k) => k.usedBy)).toEqual([['arn:aws:s3:::alpha-data']]);
    expect(mine?.config.map((c) => c.region)).toEqual(['ap-south-1', 'eu-west-1', 'us-east-1']);
    expect(mine?.cloudTrail.discovery.map((d) => d.region)).toEqual(['ap-south-1', 'eu-west-1', 'us-east-1']);
    expect(mine?.accountPublicAccessBlock.status).toBe('absent');

    expect(prod?.identity).toMatchObject({
      status: 'ok',
      value: { arn: `arn:aws:sts::${OTHER}:assumed-role/EvidenceAudit/evidence-pack` },
    });
    expect(prod?.buckets.map((b) => [b.name, b.accountId])).toEqual([['other-account-bucket', OTHER]]);
    expect(prod?.regions).toEqual(['ap-south-1', 'us-east-1']);

    const finals = new Map(progress.map((e) => [`${e.accountId}:${e.stage}`, e]));
    for (const stage of [
      'identity',
      'buckets',
      'bucket-config',
      'account-pab',
      'kms',
      'config',
      'cloudtrail',
    ]) {
      const last = finals.get(`${ACCOUNT}:${stage}`);
      expect(last && last.done === last.total, stage).toBe(true);
    }
    expect(finals.get(`${ACCOUNT}:bucket-config`)?.total).toBe(3);

    // Every fact points at a recorded call that exists in the named raw file.
    const records = await h.records();
    const byFile = new Map<string, RecordedCall[]>();
    for (const f of h.sink.files()) {
      const lines = (await readFile(path.join(h.workDir, f), 'utf8')).trim().split('\n');
      byFile.set(
        f,
        lines.map((l) => JSON.parse(l) as RecordedCall),
      );
    }
    const refs = evidenceRefs(snap);
    expect(refs.length).toBeGreaterThan(40);
    for (const ref of refs) {
      const rec = byFile.get(ref.file)?.find((r) => r.id === ref.callId);
      expect(rec, `${ref.file}#${ref.callId}`).toBeDefined();
      expect(rec?.operation).toBe(ref.operation);
    }
    // Records of the role account live under its own account id; the AssumeRole call is recorded, without secrets.
    const assume = records.find((r) => r.operation === 'AssumeRole');
    expect(assume).toMatchObject({
      accountId: OTHER,
      service: 'sts',
      input: { RoleArn: ROLE, ExternalId: 'ext-1' },
    });
    expect(JSON.stringify(assume?.output)).toContain('[REDACTED]');
    expect(records.filter((r) => r.operation === 'AssumeRole')).toHaveLength(1);
    expect(
      records
        .filter((r) => r.operation === 'ListBuckets')
        .map((r) => r.accountId)
        .sort(),
    ).toEqual([ACCOUNT, OTHER]);
    expect(new Set(records.map((r) => r.id)).size).toBe(records.length);
  });

  it('keeps an account whose role cannot be assumed, with the denial as its identity and inventory', async () => {
    h = await startHarness({ accountId: undefined });
    await h.s3().send(new CreateBucketCommand({ Bucket: 'mine' }));
    h.addFault({ service: 'sts', operation: 'AssumeRole', kind: 'AccessDenied' });

    const snap = await collect({
      config: testConfig({ accounts: [{ roleArn: ROLE }], regions: ['us-east-1'] }),
      factory: h.factory,
      toolVersion: '0.0.0',
      runId: 'run-2',
    });

    expect(snap.accounts.map((a) => a.accountId)).toEqual([ACCOUNT, OTHER]);
    const denied = snap.accounts[1];
    expect(denied?.identity).toMatchObject({ status: 'denied', errorCode: 'AccessDenied' });
    expect(denied?.bucketListing).toEqual(denied?.identity);
    expect(denied?.accountPublicAccessBlock).toEqual(denied?.identity);
    expect(denied?.buckets).toEqual([]);
    expect(denied?.regions).toEqual(['us-east-1']);
    expect(snap.accounts[0]?.buckets.map((b) => b.name)).toEqual(['mine']);
  });

  it('reads an account through a named profile, and reads an account reached twice only once', async () => {
    h = await startHarness({ accountId: undefined });
    await h.s3().send(new CreateBucketCommand({ Bucket: 'via-profile' }));
    const credentialsFile = path.join(h.workDir, 'credentials');
    await writeFile(credentialsFile, '[audit]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = x\n');
    const previous = process.env['AWS_SHARED_CREDENTIALS_FILE'];
    process.env['AWS_SHARED_CREDENTIALS_FILE'] = credentialsFile;
    try {
      const onlyProfile = await collect({
        config: testConfig({
          includeCallerAccount: false,
          accounts: [{ profile: 'audit', name: 'Audit' }],
          regions: ['us-east-1'],
        }),
        factory: h.factory,
        toolVersion: '0.0.0',
        runId: 'run-4',
      });
      expect(onlyProfile.accounts.map((a) => [a.accountId, a.name, a.source])).toEqual([
        [ACCOUNT, 'Audit', { kind: 'profile', profile: 'audit' }],
      ]);
      expect(onlyProfile.accounts[0]?.buckets.map((b) => b.name)).toEqual(['via-profile']);

      // The profile's account is the caller's own: one entry, not two.
      const both = await collect({
        config: testConfig({ accounts: [{ profile: 'audit' }], regions: ['us-east-1'] }),
        factory: h.factory,
        toolVersion: '0.0.0',
        runId: 'run-5',
      });
      expect(both.accounts.map((a) => a.source.kind)).toEqual(['caller']);
    } finally {
      if (previous === undefined) delete process.env['AWS_SHARED_CREDENTIALS_FILE'];
      else process.env['AWS_SHARED_CREDENTIALS_FILE'] = previous;
    }
  });

  it('rides out throttling: every read still succeeds, retried and paced', async () => {
    h = await startHarness({ accountId: undefined, maxAttempts: 8, concurrency: 4 });
    const s3 = h.s3();
    for (const name of ['t-1', 't-2']) await s3.send(new CreateBucketCommand({ Bucket: name }));
    h.sandbox.faults.setRules(
      [{ service: 's3', operation: 'GetBucket*', kind: 'Throttle', probability: 0.25 }],
      7,
    );

    const snap = await collect({
      config: testConfig({ regions: ['us-east-1'] }),
      factory: h.factory,
      toolVersion: '0.0.0',
      runId: 'run-3',
    });
    const buckets = snap.accounts[0]?.buckets ?? [];
    expect(buckets).toHaveLength(2);
    for (const b of buckets) {
      for (const o of [b.encryption, b.ownershipControls, b.versioning])
        expect(o.status, `${b.name}`).toBe('ok');
      // ACLs are disabled (BucketOwnerEnforced, the default): the ACL is derived, not read.
      expect(b.acl, b.name).toMatchObject({ status: 'absent', errorCode: 'derived:BucketOwnerEnforced' });
    }
    const records = await h.records();
    expect(records.some((r) => r.attempts > 1)).toBe(true);
    expect(h.sandbox.faults.stats().faults).not.toEqual({});
  }, 120_000);
});

describe('buckets outside the regions in scope', () => {
  it('are listed by name, account and region in the pack, not assessed and not dropped', async () => {
    h = await startHarness({ accountId: undefined });
    await h.s3().send(new CreateBucketCommand({ Bucket: 'us-data' }));
    for (const name of ['eu-archive', 'eu-backups']) {
      await h.s3('eu-west-1').send(
        new CreateBucketCommand({
          Bucket: name,
          CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
        }),
      );
    }
    const config = testConfig({ collection: { keyUsage: { lookbackDays: 1, maxEventsPerRegion: 0 } } });
    const snapshot = await collect({
      config,
      regions: ['us-east-1'],
      factory: h.factory,
      sink: h.sink,
      toolVersion: '0.0.0-test',
      runId: 'scope',
      sandbox: true,
    });
    const [account] = snapshot.accounts;
    expect(account?.buckets.map((b) => b.name)).toEqual(['us-data']);
    expect(account?.outOfScopeBuckets).toEqual([
      { name: 'eu-archive', arn: 'arn:aws:s3:::eu-archive', accountId: ACCOUNT, region: 'eu-west-1' },
      { name: 'eu-backups', arn: 'arn:aws:s3:::eu-backups', accountId: ACCOUNT, region: 'eu-west-1' },
    ]);
    // Nothing was asked about them.
    expect(h.requests('s3', 'GetBucketEncryption')).toBe(1);

    const evaluation = await evaluate(snapshot, config);
    const csv = buildCsvFiles(snapshot, evaluation).find(
      (f) => f.path === 'inventory/buckets-out-of-scope.csv',
    );
    const lines = csv?.content.split('\r\n') ?? [];
    expect(lines[0]).toBe('run_id,as_of,account_id,region,bucket,arn,assessment');
    expect(lines.slice(1, 3).map((l) => l.split(',').slice(2).join(','))).toEqual([
      `${ACCOUNT},eu-west-1,eu-archive,arn:aws:s3:::eu-archive,not assessed`,
      `${ACCOUNT},eu-west-1,eu-backups,arn:aws:s3:::eu-backups,not assessed`,
    ]);
    const model = buildReportModel({
      snapshot,
      evaluation,
      config,
      evidenceIndex: [],
      evidenceDigest: '0'.repeat(64),
      screenshots: [],
      renderer: 'pdfkit',
      toolVersion: '0.0.0-test',
    });
    expect(model.scope.outOfScope).toMatch(
      /^2 buckets outside the regions in scope were not assessed; .* inventory\/buckets-out-of-scope\.csv\.$/,
    );
  });
});
