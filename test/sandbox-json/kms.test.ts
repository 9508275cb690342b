import { createHash, createPublicKey, constants, verify as nodeVerify } from 'node:crypto';
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  GetPublicKeyCommand,
  ListAliasesCommand,
  ListKeysCommand,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
  SignCommand,
  VerifyCommand,
} from '@aws-sdk/client-kms';
import type { KMSClient } from '@aws-sdk/client-kms';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/server.ts';
import type { RunningSandbox } from '../../src/sandbox/server.ts';
import { ensureAwsManagedKey } from '../../src/sandbox/services/kms.ts';
import { setLookupEventsRateLimit } from '../../src/sandbox/services/cloudtrail.ts';
import { ACCOUNT, clientsFor, errorOf } from './helpers.ts';

let sandbox: RunningSandbox;
let kms: KMSClient;

beforeAll(async () => {
  sandbox = await startSandbox();
  setLookupEventsRateLimit(sandbox.state, null);
  kms = clientsFor(sandbox, 'us-east-1').kms;
});
afterAll(async () => sandbox.close());

async function newKey(input: ConstructorParameters<typeof CreateKeyCommand>[0] = {}) {
  const out = await kms.send(new CreateKeyCommand(input));
  const meta = out.KeyMetadata;
  if (!meta?.KeyId || !meta.Arn) throw new Error('no key');
  return { id: meta.KeyId, arn: meta.Arn, meta };
}

describe('KMS keys', () => {
  it('creates a symmetric customer managed key with the default key policy', async () => {
    const { id, arn, meta } = await newKey({ Description: 'data' });
    expect(arn).toBe(`arn:aws:kms:us-east-1:${ACCOUNT}:key/${id}`);
    expect(meta).toMatchObject({
      AWSAccountId: ACCOUNT,
      Enabled: true,
      KeyState: 'Enabled',
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeySpec: 'SYMMETRIC_DEFAULT',
      KeyManager: 'CUSTOMER',
      Origin: 'AWS_KMS',
      EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
      Description: 'data',
    });
    expect(meta.CreationDate).toBeInstanceOf(Date);
    const policy = await kms.send(new GetKeyPolicyCommand({ KeyId: id, PolicyName: 'default' }));
    const doc = JSON.parse(policy.Policy ?? '{}') as {
      Statement: { Principal: { AWS: string }; Action: string }[];
    };
    expect(doc.Statement[0]).toMatchObject({
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: 'kms:*',
    });
  });

  it('stores a given policy and refuses other policy names and malformed documents', async () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
      ],
    });
    const { id } = await newKey();
    await kms.send(new PutKeyPolicyCommand({ KeyId: id, PolicyName: 'default', Policy: policy }));
    expect((await kms.send(new GetKeyPolicyCommand({ KeyId: id }))).Policy).toBe(policy);
    expect((await errorOf(kms.send(new GetKeyPolicyCommand({ KeyId: id, PolicyName: 'other' })))).name).toBe(
      'NotFoundException',
    );
    expect(
      (
        await errorOf(
          kms.send(new PutKeyPolicyCommand({ KeyId: id, PolicyName: 'default', Policy: '{nope' })),
        )
      ).name,
    ).toBe('MalformedPolicyDocumentException');
  });

  it('describes a key by key id, key ARN, alias name and alias ARN, and answers NotFoundException otherwise', async () => {
    const { id, arn } = await newKey();
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/four-forms', TargetKeyId: id }));
    for (const ref of [id, arn, 'alias/four-forms', `arn:aws:kms:us-east-1:${ACCOUNT}:alias/four-forms`]) {
      const out = await kms.send(new DescribeKeyCommand({ KeyId: ref }));
      expect(out.KeyMetadata?.KeyId).toBe(id);
    }
    for (const ref of [
      'alias/missing',
      '00000000-0000-0000-0000-000000000000',
      arn.replace('us-east-1', 'eu-west-1'),
    ]) {
      const error = await errorOf(kms.send(new DescribeKeyCommand({ KeyId: ref })));
      expect(error).toMatchObject({ name: 'NotFoundException', status: 400 });
    }
    expect(
      (await errorOf(kms.send(new CreateAliasCommand({ AliasName: 'alias/four-forms', TargetKeyId: id }))))
        .name,
    ).toBe('AlreadyExistsException');
    expect(
      (await errorOf(kms.send(new CreateAliasCommand({ AliasName: 'alias/aws/mine', TargetKeyId: id }))))
        .name,
    ).toBe('NotAuthorizedException');
  });

  it('creates the AWS managed aws/s3 key on first use, once per region', async () => {
    const eu = clientsFor(sandbox, 'eu-north-1').kms;
    const before = await eu.send(new ListAliasesCommand({}));
    expect(before.Aliases?.map((a) => a.AliasName)).not.toContain('alias/aws/s3');
    const described = await eu.send(new DescribeKeyCommand({ KeyId: 'alias/aws/s3' }));
    expect(described.KeyMetadata).toMatchObject({
      KeyManager: 'AWS',
      KeySpec: 'SYMMETRIC_DEFAULT',
      KeyState: 'Enabled',
    });
    const after = await eu.send(new ListAliasesCommand({}));
    expect(after.Aliases?.find((a) => a.AliasName === 'alias/aws/s3')?.TargetKeyId).toBe(
      described.KeyMetadata?.KeyId,
    );
    expect(ensureAwsManagedKey(sandbox.state, ACCOUNT, 'eu-north-1', 'alias/aws/s3').keyId).toBe(
      described.KeyMetadata?.KeyId,
    );
    const other = ensureAwsManagedKey(sandbox.state, ACCOUNT, 'ap-south-1', 'alias/aws/s3');
    expect(other.keyId).not.toBe(described.KeyMetadata?.KeyId);
    expect(other.arn).toBe(`arn:aws:kms:ap-south-1:${ACCOUNT}:key/${other.keyId}`);

    const rotation = await eu.send(new GetKeyRotationStatusCommand({ KeyId: described.KeyMetadata?.KeyId }));
    expect(rotation).toMatchObject({ KeyRotationEnabled: true, RotationPeriodInDays: 365 });
    const denied = await errorOf(
      eu.send(new EnableKeyRotationCommand({ KeyId: described.KeyMetadata?.KeyId })),
    );
    expect(denied.name).toBe('AccessDeniedException');
  });

  it('pages ListKeys with Limit / Marker / Truncated and refuses a foreign marker', async () => {
    const region = clientsFor(sandbox, 'ca-central-1').kms;
    const created: string[] = [];
    for (let i = 0; i < 5; i++)
      created.push((await region.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId ?? '');
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await region.send(new ListKeysCommand({ Limit: 2, Marker: marker }));
      pages++;
      seen.push(...(page.Keys ?? []).map((k) => k.KeyId ?? ''));
      expect(page.Truncated).toBe(page.NextMarker !== undefined);
      marker = page.NextMarker;
    } while (marker);
    expect(pages).toBe(3);
    expect(seen).toEqual(created);
    expect((await errorOf(region.send(new ListKeysCommand({ Marker: 'bogus' })))).name).toBe(
      'InvalidMarkerException',
    );
  });

  it('filters and pages ListAliases', async () => {
    const region = clientsFor(sandbox, 'sa-east-1').kms;
    const key = (await region.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId;
    const other = (await region.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId;
    for (const n of ['a', 'b', 'c'])
      await region.send(new CreateAliasCommand({ AliasName: `alias/k-${n}`, TargetKeyId: key }));
    await region.send(new CreateAliasCommand({ AliasName: 'alias/other', TargetKeyId: other }));
    const first = await region.send(new ListAliasesCommand({ KeyId: key, Limit: 2 }));
    expect(first.Aliases?.map((a) => a.AliasName)).toEqual(['alias/k-a', 'alias/k-b']);
    expect(first.Truncated).toBe(true);
    const second = await region.send(
      new ListAliasesCommand({ KeyId: key, Limit: 2, Marker: first.NextMarker }),
    );
    expect(second.Aliases?.map((a) => a.AliasName)).toEqual(['alias/k-c']);
    expect(second.Truncated).toBe(false);
    expect(second.Aliases?.[0]?.AliasArn).toBe(`arn:aws:kms:sa-east-1:${ACCOUNT}:alias/k-c`);
  });
});

describe('KMS rotation', () => {
  it('enables rotation with a period, reports it, and disables it', async () => {
    const { id, arn } = await newKey();
    expect(await kms.send(new GetKeyRotationStatusCommand({ KeyId: id }))).toMatchObject({
      KeyRotationEnabled: false,
      KeyId: arn,
    });
    await kms.send(new EnableKeyRotationCommand({ KeyId: id, RotationPeriodInDays: 180 }));
    const status = await kms.send(new GetKeyRotationStatusCommand({ KeyId: id }));
    expect(status).toMatchObject({ KeyRotationEnabled: true, RotationPeriodInDays: 180 });
    const days = ((status.NextRotationDate?.getTime() ?? 0) - sandbox.state.now().getTime()) / 86_400_000;
    expect(days).toBeGreaterThan(179);
    expect(days).toBeLessThanOrEqual(180);
    expect(
      (await errorOf(kms.send(new EnableKeyRotationCommand({ KeyId: id, RotationPeriodInDays: 30 })))).name,
    ).toBe('ValidationException');
    await kms.send(new DisableKeyRotationCommand({ KeyId: id }));
    expect((await kms.send(new GetKeyRotationStatusCommand({ KeyId: id }))).KeyRotationEnabled).toBe(false);
  });

  it('answers UnsupportedOperationException for asymmetric, HMAC and imported-material keys', async () => {
    const keys = [
      await newKey({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }),
      await newKey({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }),
      await newKey({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }),
      await newKey({ Origin: 'EXTERNAL' }),
    ];
    for (const { id } of keys) {
      expect(await errorOf(kms.send(new GetKeyRotationStatusCommand({ KeyId: id })))).toMatchObject({
        name: 'UnsupportedOperationException',
        status: 400,
      });
      expect((await errorOf(kms.send(new EnableKeyRotationCommand({ KeyId: id })))).name).toBe(
        'UnsupportedOperationException',
      );
    }
    expect(keys[3]?.meta).toMatchObject({ Origin: 'EXTERNAL', KeyState: 'PendingImport', Enabled: false });
  });

  it('refuses a custom key store origin, which the sandbox does not have', async () => {
    expect((await errorOf(kms.send(new CreateKeyCommand({ Origin: 'AWS_CLOUDHSM' })))).name).toBe(
      'CustomKeyStoreNotFoundException',
    );
  });
});

describe('KMS key states', () => {
  it('disabled keys refuse crypto with DisabledException until enabled again', async () => {
    const { id } = await newKey();
    await kms.send(new DisableKeyCommand({ KeyId: id }));
    expect((await kms.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata).toMatchObject({
      Enabled: false,
      KeyState: 'Disabled',
    });
    expect(
      (await errorOf(kms.send(new EncryptCommand({ KeyId: id, Plaintext: Buffer.from('x') })))).name,
    ).toBe('DisabledException');
    await kms.send(new EnableKeyCommand({ KeyId: id }));
    expect(
      (await kms.send(new EncryptCommand({ KeyId: id, Plaintext: Buffer.from('x') }))).CiphertextBlob?.length,
    ).toBeGreaterThan(0);
  });

  it('schedules deletion within 7–30 days, refuses use while pending, cancels to Disabled', async () => {
    const { id, arn } = await newKey();
    expect(
      (await errorOf(kms.send(new ScheduleKeyDeletionCommand({ KeyId: id, PendingWindowInDays: 6 })))).name,
    ).toBe('ValidationException');
    const scheduled = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: id, PendingWindowInDays: 7 }));
    expect(scheduled).toMatchObject({ KeyId: arn, KeyState: 'PendingDeletion', PendingWindowInDays: 7 });
    const days = ((scheduled.DeletionDate?.getTime() ?? 0) - sandbox.state.now().getTime()) / 86_400_000;
    expect(Math.round(days)).toBe(7);
    expect((await kms.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata).toMatchObject({
      KeyState: 'PendingDeletion',
      PendingDeletionWindowInDays: 7,
    });
    expect(
      (await errorOf(kms.send(new EncryptCommand({ KeyId: id, Plaintext: Buffer.from('x') })))).name,
    ).toBe('KMSInvalidStateException');
    await kms.send(new CancelKeyDeletionCommand({ KeyId: id }));
    const meta = (await kms.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata;
    expect(meta?.KeyState).toBe('Disabled');
    expect(meta?.DeletionDate).toBeUndefined();
  });

  it('deletes the key once its deletion date has passed on the sandbox clock', async () => {
    const local = await startSandbox();
    try {
      const client = clientsFor(local, 'us-east-1').kms;
      const id = (await client.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId;
      await client.send(new ScheduleKeyDeletionCommand({ KeyId: id, PendingWindowInDays: 7 }));
      local.state.advance(8 * 86_400_000);
      expect((await errorOf(client.send(new DescribeKeyCommand({ KeyId: id })))).name).toBe(
        'NotFoundException',
      );
      expect((await client.send(new ListKeysCommand({}))).Keys).toEqual([]);
    } finally {
      await local.close();
    }
  });
});

describe('KMS signing', () => {
  it('signs a SHA-256 digest with ECC_NIST_P256; node:crypto verifies the DER signature with the public key', async () => {
    const { id, meta } = await newKey({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    expect(meta.SigningAlgorithms).toEqual(['ECDSA_SHA_256']);
    const message = Buffer.from('evidence-pack manifest');
    const digest = createHash('sha256').update(message).digest();
    const signed = await kms.send(
      new SignCommand({
        KeyId: id,
        Message: digest,
        MessageType: 'DIGEST',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    const pub = await kms.send(new GetPublicKeyCommand({ KeyId: id }));
    expect(pub).toMatchObject({
      KeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
      SigningAlgorithms: ['ECDSA_SHA_256'],
    });
    const publicKey = createPublicKey({
      key: Buffer.from(pub.PublicKey ?? new Uint8Array()),
      format: 'der',
      type: 'spki',
    });
    const signature = Buffer.from(signed.Signature ?? new Uint8Array());
    expect(signature[0]).toBe(0x30);
    expect(nodeVerify('sha256', message, publicKey, signature)).toBe(true);
    expect(nodeVerify('sha256', Buffer.from('other'), publicKey, signature)).toBe(false);

    const verified = await kms.send(
      new VerifyCommand({
        KeyId: id,
        Message: digest,
        MessageType: 'DIGEST',
        Signature: signature,
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    expect(verified.SignatureValid).toBe(true);
    const tampered = Buffer.from(signature);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    expect(
      (
        await errorOf(
          kms.send(
            new VerifyCommand({
              KeyId: id,
              Message: digest,
              MessageType: 'DIGEST',
              Signature: tampered,
              SigningAlgorithm: 'ECDSA_SHA_256',
            }),
          ),
        )
      ).name,
    ).toBe('KMSInvalidSignatureException');
    expect(
      (
        await errorOf(
          kms.send(
            new SignCommand({
              KeyId: id,
              Message: digest.subarray(1),
              MessageType: 'DIGEST',
              SigningAlgorithm: 'ECDSA_SHA_256',
            }),
          ),
        )
      ).name,
    ).toBe('ValidationException');
  });

  it('signs RAW messages with RSA_2048 (PSS and PKCS #1 v1.5) verifiable offline', async () => {
    const { id } = await newKey({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' });
    const pub = await kms.send(new GetPublicKeyCommand({ KeyId: id }));
    const publicKey = createPublicKey({
      key: Buffer.from(pub.PublicKey ?? new Uint8Array()),
      format: 'der',
      type: 'spki',
    });
    const message = Buffer.from('raw message');
    const pss = await kms.send(
      new SignCommand({ KeyId: id, Message: message, SigningAlgorithm: 'RSASSA_PSS_SHA_256' }),
    );
    expect(
      nodeVerify(
        'sha256',
        message,
        { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
        Buffer.from(pss.Signature ?? new Uint8Array()),
      ),
    ).toBe(true);
    const pkcs = await kms.send(
      new SignCommand({ KeyId: id, Message: message, SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' }),
    );
    expect(nodeVerify('sha256', message, publicKey, Buffer.from(pkcs.Signature ?? new Uint8Array()))).toBe(
      true,
    );
    expect(
      (
        await errorOf(
          kms.send(new SignCommand({ KeyId: id, Message: message, SigningAlgorithm: 'ECDSA_SHA_256' })),
        )
      ).name,
    ).toBe('InvalidKeyUsageException');
  });

  it('has no public key for a symmetric key', async () => {
    const { id } = await newKey();
    expect((await errorOf(kms.send(new GetPublicKeyCommand({ KeyId: id })))).name).toBe(
      'UnsupportedOperationException',
    );
  });
});

describe('KMS encryption and key-usage events', () => {
  it('round-trips Encrypt/Decrypt and data keys, binding the encryption context', async () => {
    const { id, arn } = await newKey();
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/usage', TargetKeyId: id }));
    const context = { purpose: 'test' };
    const enc = await kms.send(
      new EncryptCommand({
        KeyId: 'alias/usage',
        Plaintext: Buffer.from('secret'),
        EncryptionContext: context,
      }),
    );
    expect(enc.KeyId).toBe(arn);
    const dec = await kms.send(
      new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: context }),
    );
    expect(Buffer.from(dec.Plaintext ?? new Uint8Array()).toString()).toBe('secret');
    expect((await errorOf(kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob })))).name).toBe(
      'InvalidCiphertextException',
    );
    const dk = await kms.send(new GenerateDataKeyCommand({ KeyId: id, KeySpec: 'AES_256' }));
    expect(dk.Plaintext?.length).toBe(32);
    const again = await kms.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob }));
    expect(Buffer.from(again.Plaintext ?? new Uint8Array())).toEqual(
      Buffer.from(dk.Plaintext ?? new Uint8Array()),
    );

    const trail = clientsFor(sandbox, 'us-east-1').trail;
    const events = await trail.send(
      new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: arn }] }),
    );
    const names = (events.Events ?? []).map((e) => e.EventName);
    expect(names).toEqual(['Decrypt', 'GenerateDataKey', 'Decrypt', 'Encrypt', 'CreateAlias', 'CreateKey']);
    const decrypt = events.Events?.[0];
    expect(decrypt).toMatchObject({
      EventSource: 'kms.amazonaws.com',
      ReadOnly: 'true',
      Username: 'sandbox-user',
    });
    const record = JSON.parse(decrypt?.CloudTrailEvent ?? '{}') as Record<string, unknown>;
    expect(record).toMatchObject({
      eventName: 'Decrypt',
      eventSource: 'kms.amazonaws.com',
      awsRegion: 'us-east-1',
      userIdentity: { type: 'IAMUser', userName: 'sandbox-user', accountId: ACCOUNT },
      resources: [{ ARN: arn, type: 'AWS::KMS::Key', accountId: ACCOUNT }],
    });
    expect(JSON.stringify(record)).not.toContain(Buffer.from('secret').toString('base64'));
  });
});
