import { CreateBucketCommand, PutBucketEncryptionCommand } from '@aws-sdk/client-s3';
import {
  CreateKeyCommand,
  EnableKeyRotationCommand,
  GetKeyRotationStatusCommand,
  ListKeyRotationsCommand,
  RotateKeyOnDemandCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collect } from '../../src/collect/collect.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import { ON_DEMAND_MS } from '../../src/sandbox/services/kms/handlers/rotation.ts';
import { startHarness, testConfig, type Harness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const DAY_MS = 86_400_000;

async function key(
  kms: KMSClient,
  opts: { KeySpec?: 'HMAC_256'; Origin?: 'EXTERNAL' } = {},
): Promise<string> {
  const k = (
    await kms.send(
      new CreateKeyCommand({
        Description: 'rotation',
        ...opts,
        ...(opts.KeySpec ? { KeyUsage: 'GENERATE_VERIFY_MAC' } : {}),
      }),
    )
  ).KeyMetadata;
  if (!k?.KeyId) throw new Error('no key');
  return k.KeyId;
}

async function bucketWithKey(name: string, keyId: string): Promise<void> {
  await h.s3().send(new CreateBucketCommand({ Bucket: name }));
  await h.s3().send(
    new PutBucketEncryptionCommand({
      Bucket: name,
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyId } }],
      },
    }),
  );
}

function collectAll(config: ReturnType<typeof testConfig>) {
  return collect({
    config,
    factory: h.factory,
    sink: h.sink,
    toolVersion: '0.0.0-test',
    runId: 'kms-rotation',
    endpoint: h.sandbox.url,
    sandbox: true,
  });
}

async function error(p: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { name: string; message: string };
  }
  throw new Error('expected an error');
}

describe('the sandbox rotates keys as AWS does', () => {
  it('validates RotationPeriodInDays (90–2560) with AWS validation error', async () => {
    const kms = h.kms();
    const id = await key(kms);
    for (const days of [89, 2561]) {
      const err = await error(
        kms.send(new EnableKeyRotationCommand({ KeyId: id, RotationPeriodInDays: days })),
      );
      expect(err.name).toBe('ValidationException');
      expect(err.message).toContain(`Value '${days}' at 'rotationPeriodInDays'`);
    }
    await kms.send(new EnableKeyRotationCommand({ KeyId: id, RotationPeriodInDays: 730 }));
    const status = await kms.send(new GetKeyRotationStatusCommand({ KeyId: id }));
    expect(status.KeyRotationEnabled).toBe(true);
    expect(status.RotationPeriodInDays).toBe(730);
    const now = h.sandbox.state.now().getTime();
    expect(status.NextRotationDate?.getTime()).toBeGreaterThan(now + 729 * DAY_MS);
    expect(status.OnDemandRotationStartDate).toBeUndefined();
  });

  it('shows an on-demand rotation in progress, then lists it; automatic rotations accrue with time', async () => {
    const kms = h.kms();
    const id = await key(kms);
    h.sandbox.state.setNow(new Date('2026-01-01T00:00:00Z'));
    await kms.send(new EnableKeyRotationCommand({ KeyId: id, RotationPeriodInDays: 90 }));
    await kms.send(new RotateKeyOnDemandCommand({ KeyId: id }));
    const during = await kms.send(new GetKeyRotationStatusCommand({ KeyId: id }));
    expect(during.OnDemandRotationStartDate?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect((await error(kms.send(new RotateKeyOnDemandCommand({ KeyId: id })))).name).toBe(
      'ConflictException',
    );
    h.sandbox.state.advance(ON_DEMAND_MS);
    expect(
      (await kms.send(new GetKeyRotationStatusCommand({ KeyId: id }))).OnDemandRotationStartDate,
    ).toBeUndefined();
    h.sandbox.state.advance(200 * DAY_MS);
    const listed = await kms.send(new ListKeyRotationsCommand({ KeyId: id }));
    expect(
      listed.Rotations?.map((r) => [r.RotationType, r.RotationDate?.toISOString().slice(0, 10)]),
    ).toEqual([
      ['ON_DEMAND', '2026-01-01'],
      ['AUTOMATIC', '2026-04-01'],
      ['AUTOMATIC', '2026-06-30'],
    ]);
    expect(listed.Rotations?.at(-1)?.KeyMaterialState).toBe('CURRENT');
  });

  it('pages ListKeyRotations and refuses a foreign marker, HMAC keys and an eleventh on-demand rotation', async () => {
    const kms = h.kms();
    const id = await key(kms);
    h.sandbox.state.setNow(new Date('2026-01-01T00:00:00Z'));
    for (let i = 0; i < 10; i++) {
      await kms.send(new RotateKeyOnDemandCommand({ KeyId: id }));
      h.sandbox.state.advance(ON_DEMAND_MS);
    }
    const err = await error(kms.send(new RotateKeyOnDemandCommand({ KeyId: id })));
    expect(err.name).toBe('LimitExceededException');
    const first = await kms.send(new ListKeyRotationsCommand({ KeyId: id, Limit: 4 }));
    expect(first.Rotations).toHaveLength(4);
    expect(first.Truncated).toBe(true);
    const second = await kms.send(
      new ListKeyRotationsCommand({ KeyId: id, Limit: 4, Marker: first.NextMarker }),
    );
    expect(second.Rotations).toHaveLength(4);
    const other = await key(kms);
    const foreign = await error(
      kms.send(new ListKeyRotationsCommand({ KeyId: other, Marker: first.NextMarker })),
    );
    expect(foreign.name).toBe('InvalidMarkerException');
    const limit = await error(kms.send(new ListKeyRotationsCommand({ KeyId: id, Limit: 1001 })));
    expect(limit.name).toBe('ValidationException');
    const hmac = await key(kms, { KeySpec: 'HMAC_256' });
    expect((await error(kms.send(new ListKeyRotationsCommand({ KeyId: hmac })))).name).toBe(
      'UnsupportedOperationException',
    );
    expect((await error(kms.send(new RotateKeyOnDemandCommand({ KeyId: hmac })))).name).toBe(
      'UnsupportedOperationException',
    );
  });
});

describe('kms.rotation-enabled on an estate set up over the wire', () => {
  it('fails a 730-day key naming its last rotation, passes a 365-day key, pages the whole history', async () => {
    const kms = h.kms();
    const long = await key(kms);
    const yearly = await key(kms);
    h.sandbox.state.setNow(new Date('2026-01-01T00:00:00Z'));
    await kms.send(new EnableKeyRotationCommand({ KeyId: long, RotationPeriodInDays: 730 }));
    await kms.send(new EnableKeyRotationCommand({ KeyId: yearly }));
    await kms.send(new RotateKeyOnDemandCommand({ KeyId: long }));
    h.sandbox.state.advance(3 * DAY_MS);
    await bucketWithKey('long-rotation', long);
    await bucketWithKey('yearly-rotation', yearly);
    h.sandbox.faults.resetStats();

    const config = testConfig({ regions: ['us-east-1'] });
    const snapshot = await collectAll(config);
    expect(h.requests('kms', 'ListKeyRotations')).toBe(2);
    const evaluation = await evaluate(snapshot, config);
    const rot = evaluation.findings.filter((f) => f.checkId === 'kms.rotation-enabled');
    const of = (id: string) => rot.find((f) => f.resource.arn.endsWith(id));
    expect(of(long)?.status).toBe('fail');
    expect(of(long)?.reason).toMatch(/every 730 days, longer than kms.maxRotationDays \(365\)/);
    expect(of(long)?.reason).toContain('last rotated 2026-01-01 (on demand)');
    expect(of(long)?.reason).toContain('next 2028-01-01');
    expect(of(yearly)?.status).toBe('pass');
    expect(of(yearly)?.reason).toContain('never rotated since its creation');
    const key730 = snapshot.accounts[0]?.kmsKeys.find(
      (k) => k.metadata.status === 'ok' && k.metadata.value.keyId === long,
    );
    expect(key730?.rotation).toMatchObject({ status: 'ok', value: { rotationPeriodInDays: 730 } });
    expect(key730?.rotations).toMatchObject({ status: 'ok', value: [{ rotationType: 'ON_DEMAND' }] });
  });

  it('judges imported-material keys on ListKeyRotations without asking GetKeyRotationStatus', async () => {
    const kms = h.kms();
    const imported = await key(kms, { Origin: 'EXTERNAL' });
    await bucketWithKey('imported', imported);
    h.sandbox.faults.resetStats();
    const config = testConfig({ regions: ['us-east-1'] });
    const snapshot = await collectAll(config);
    expect(h.requests('kms', 'GetKeyRotationStatus')).toBe(0);
    expect(h.requests('kms', 'ListKeyRotations')).toBe(1);
    const evaluation = await evaluate(snapshot, config);
    const f = evaluation.findings.find((x) => x.checkId === 'kms.rotation-enabled');
    expect(f?.status).toBe('pass');
    expect(f?.reason).toContain('imported key material');
  });

  it('a denied ListKeyRotations is insufficient evidence for a key that would pass', async () => {
    const kms = h.kms();
    const id = await key(kms);
    await kms.send(new EnableKeyRotationCommand({ KeyId: id }));
    await bucketWithKey('denied-history', id);
    h.addFault({ service: 'kms', operation: 'ListKeyRotations', kind: 'AccessDenied' });
    const config = testConfig({ regions: ['us-east-1'], collection: { maxAttempts: 1 } });
    const snapshot = await collectAll(config);
    const evaluation = await evaluate(snapshot, config);
    const f = evaluation.findings.find((x) => x.checkId === 'kms.rotation-enabled');
    expect(f?.status).toBe('insufficient-evidence');
    expect(f?.reason).toContain('ListKeyRotations');
  });
});
