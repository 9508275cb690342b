import type { S3Client } from '@aws-sdk/client-s3';
import {
  CreateBucketCommand,
  DeletePublicAccessBlockCommand,
  GetBucketAclCommand,
  GetBucketPolicyStatusCommand,
  ListBucketsCommand,
  PutBucketAclCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import {
  DeletePublicAccessBlockCommand as DeleteAccountPabCommand,
  GetPublicAccessBlockCommand as GetAccountPabCommand,
  PutPublicAccessBlockCommand as PutAccountPabCommand,
} from '@aws-sdk/client-s3-control';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetFederationTokenCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/server.ts';
import type { RunningSandbox } from '../../src/sandbox/server.ts';
import { s3, s3control, sts, failure } from './clients.ts';

let sandbox: RunningSandbox;
let client: S3Client;

beforeAll(async () => {
  sandbox = await startSandbox();
  client = s3(sandbox);
});
afterAll(async () => {
  client.destroy();
  await sandbox.close();
});

let counter = 0;
async function freshBucket(c: S3Client = client): Promise<string> {
  counter += 1;
  const name = `access-${counter}-${Date.now()}`;
  await c.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

function publicPolicy(bucket: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` },
    ],
  });
}

describe('Block Public Access refuses public writes', () => {
  it('a public policy is AccessDenied while BlockPublicPolicy is on; accepted and reported public once off', async () => {
    const Bucket = await freshBucket();
    expect(
      await failure(client.send(new PutBucketPolicyCommand({ Bucket, Policy: publicPolicy(Bucket) }))),
    ).toEqual({
      name: 'AccessDenied',
      status: 403,
    });
    await client.send(new DeletePublicAccessBlockCommand({ Bucket }));
    await client.send(new PutBucketPolicyCommand({ Bucket, Policy: publicPolicy(Bucket) }));
    expect((await client.send(new GetBucketPolicyStatusCommand({ Bucket }))).PolicyStatus?.IsPublic).toBe(
      true,
    );
  });

  it('the account-level BlockPublicPolicy refuses too, even with no bucket-level setting', async () => {
    const sb = await startSandbox({ defaultAccountId: '555566667777' });
    const c = s3(sb);
    const control = s3control(sb);
    await c.send(new CreateBucketCommand({ Bucket: 'account-level-bpa' }));
    await c.send(new DeletePublicAccessBlockCommand({ Bucket: 'account-level-bpa' }));
    await control.send(
      new PutAccountPabCommand({
        AccountId: '555566667777',
        PublicAccessBlockConfiguration: { BlockPublicPolicy: true },
      }),
    );
    expect(
      await failure(
        c.send(
          new PutBucketPolicyCommand({
            Bucket: 'account-level-bpa',
            Policy: publicPolicy('account-level-bpa'),
          }),
        ),
      ),
    ).toEqual({
      name: 'AccessDenied',
      status: 403,
    });
    c.destroy();
    control.destroy();
    await sb.close();
  });

  it('ACLs: not supported under BucketOwnerEnforced, AccessDenied while BlockPublicAcls, public once both lifted', async () => {
    const Bucket = await freshBucket();
    await client.send(new PutBucketAclCommand({ Bucket, ACL: 'private' }));
    expect(await failure(client.send(new PutBucketAclCommand({ Bucket, ACL: 'public-read' })))).toEqual({
      name: 'AccessControlListNotSupported',
      status: 400,
    });
    await client.send(
      new PutBucketOwnershipControlsCommand({
        Bucket,
        OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] },
      }),
    );
    expect(await failure(client.send(new PutBucketAclCommand({ Bucket, ACL: 'public-read' })))).toEqual({
      name: 'AccessDenied',
      status: 403,
    });
    await client.send(
      new PutPublicAccessBlockCommand({
        Bucket,
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: false,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        },
      }),
    );
    await client.send(new PutBucketAclCommand({ Bucket, ACL: 'public-read' }));
    const acl = await client.send(new GetBucketAclCommand({ Bucket }));
    expect(acl.Grants).toContainEqual({
      Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' },
      Permission: 'READ',
    });
  });

  it('explicit grants via headers and via an AccessControlPolicy body', async () => {
    const Bucket = await freshBucket();
    await client.send(
      new PutBucketOwnershipControlsCommand({
        Bucket,
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
      }),
    );
    await client.send(new DeletePublicAccessBlockCommand({ Bucket }));
    const owner = (await client.send(new GetBucketAclCommand({ Bucket }))).Owner;
    await client.send(
      new PutBucketAclCommand({
        Bucket,
        GrantRead: 'uri="http://acs.amazonaws.com/groups/global/AuthenticatedUsers"',
        GrantFullControl: `id="${owner?.ID}"`,
      }),
    );
    const viaHeaders = await client.send(new GetBucketAclCommand({ Bucket }));
    expect(viaHeaders.Grants).toHaveLength(2);
    expect(viaHeaders.Grants).toContainEqual({
      Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers' },
      Permission: 'READ',
    });
    await client.send(
      new PutBucketAclCommand({
        Bucket,
        AccessControlPolicy: {
          Owner: owner,
          Grants: [
            { Grantee: { Type: 'CanonicalUser', ID: owner?.ID }, Permission: 'FULL_CONTROL' },
            { Grantee: { Type: 'CanonicalUser', ID: 'f'.repeat(64) }, Permission: 'READ_ACP' },
          ],
        },
      }),
    );
    const viaBody = await client.send(new GetBucketAclCommand({ Bucket }));
    expect(viaBody.Grants?.map((g) => [g.Grantee?.ID, g.Permission])).toEqual([
      [owner?.ID, 'FULL_CONTROL'],
      ['f'.repeat(64), 'READ_ACP'],
    ]);
  });

  it('CreateBucket with a public ACL fails the way AWS fails it today', async () => {
    expect(
      await failure(
        client.send(new CreateBucketCommand({ Bucket: `acl-create-${Date.now()}`, ACL: 'public-read' })),
      ),
    ).toEqual({
      name: 'InvalidBucketAclWithObjectOwnership',
      status: 400,
    });
    expect(
      await failure(
        client.send(
          new CreateBucketCommand({
            Bucket: `acl-create2-${Date.now()}`,
            ACL: 'public-read',
            ObjectOwnership: 'ObjectWriter',
          }),
        ),
      ),
    ).toEqual({ name: 'InvalidBucketAclWithBlockPublicAccessError', status: 400 });
  });
});

describe('S3 Control account Block Public Access', () => {
  it('not configured → 404; put, get, delete; another account → AccessDenied', async () => {
    const control = s3control(sandbox);
    expect(await failure(control.send(new GetAccountPabCommand({ AccountId: '111122223333' })))).toEqual({
      name: 'NoSuchPublicAccessBlockConfiguration',
      status: 404,
    });
    await control.send(
      new PutAccountPabCommand({
        AccountId: '111122223333',
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: false,
          RestrictPublicBuckets: true,
        },
      }),
    );
    expect(
      (await control.send(new GetAccountPabCommand({ AccountId: '111122223333' })))
        .PublicAccessBlockConfiguration,
    ).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: true,
    });
    await control.send(new DeleteAccountPabCommand({ AccountId: '111122223333' }));
    expect(
      await failure(control.send(new GetAccountPabCommand({ AccountId: '111122223333' }))),
    ).toMatchObject({ status: 404 });
    expect(await failure(control.send(new GetAccountPabCommand({ AccountId: '999988887777' })))).toEqual({
      name: 'AccessDenied',
      status: 403,
    });
    control.destroy();
  });
});

describe('STS', () => {
  it('long-term keys are the default account', async () => {
    const client = sts(sandbox);
    const identity = await client.send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe('111122223333');
    expect(identity.Arn).toMatch(/^arn:aws:iam::111122223333:user\//);
    client.destroy();
  });

  it('AssumeRole into another account acts there and sees only that account’s buckets', async () => {
    const stsClient = sts(sandbox);
    const assumed = await stsClient.send(
      new AssumeRoleCommand({
        RoleArn: 'arn:aws:iam::444455556666:role/EvidenceAuditor',
        RoleSessionName: 'evidence-run',
      }),
    );
    const creds = assumed.Credentials;
    expect(creds?.AccessKeyId).toMatch(/^ASIA/);
    expect(assumed.AssumedRoleUser?.Arn).toBe(
      'arn:aws:sts::444455556666:assumed-role/EvidenceAuditor/evidence-run',
    );
    const credentials = {
      accessKeyId: creds?.AccessKeyId ?? '',
      secretAccessKey: creds?.SecretAccessKey ?? '',
      sessionToken: creds?.SessionToken ?? '',
    };
    const asRole = sts(sandbox, { credentials });
    expect(await asRole.send(new GetCallerIdentityCommand({}))).toMatchObject({
      Account: '444455556666',
      Arn: 'arn:aws:sts::444455556666:assumed-role/EvidenceAuditor/evidence-run',
    });
    const other = s3(sandbox, { credentials });
    await other.send(new CreateBucketCommand({ Bucket: 'other-account-bucket' }));
    const mine = await freshBucket();
    const otherNames = ((await other.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name);
    expect(otherNames).toEqual(['other-account-bucket']);
    const myNames = ((await client.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name);
    expect(myNames).toContain(mine);
    expect(myNames).not.toContain('other-account-bucket');
    expect(await failure(other.send(new GetBucketAclCommand({ Bucket: mine })))).toEqual({
      name: 'AccessDenied',
      status: 403,
    });
    expect(await failure(other.send(new CreateBucketCommand({ Bucket: mine })))).toEqual({
      name: 'BucketAlreadyExists',
      status: 409,
    });
    asRole.destroy();
    other.destroy();
    stsClient.destroy();
  });

  it('GetFederationToken gives a federated user; session credentials cannot call it; unknown session keys are rejected', async () => {
    const client = sts(sandbox);
    const token = await client.send(new GetFederationTokenCommand({ Name: 'console-capture' }));
    expect(token.FederatedUser?.Arn).toBe('arn:aws:sts::111122223333:federated-user/console-capture');
    const credentials = {
      accessKeyId: token.Credentials?.AccessKeyId ?? '',
      secretAccessKey: token.Credentials?.SecretAccessKey ?? '',
      sessionToken: token.Credentials?.SessionToken ?? '',
    };
    const federated = sts(sandbox, { credentials });
    expect((await federated.send(new GetCallerIdentityCommand({}))).Arn).toBe(token.FederatedUser?.Arn);
    expect(await failure(federated.send(new GetFederationTokenCommand({ Name: 'again' })))).toEqual({
      name: 'AccessDenied',
      status: 403,
    });
    const unknown = sts(sandbox, {
      credentials: { accessKeyId: 'ASIAUNKNOWN000000000', secretAccessKey: 's', sessionToken: 't' },
    });
    expect(await failure(unknown.send(new GetCallerIdentityCommand({})))).toEqual({
      name: 'InvalidClientTokenId',
      status: 403,
    });
    for (const c of [client, federated, unknown]) c.destroy();
  });

  it('issued credentials expire on the sandbox clock', async () => {
    const sb = await startSandbox();
    const client = sts(sb);
    const assumed = await client.send(
      new AssumeRoleCommand({
        RoleArn: 'arn:aws:iam::444455556666:role/R',
        RoleSessionName: 's1',
        DurationSeconds: 900,
      }),
    );
    sb.state.advance(901_000);
    const expired = s3(sb, {
      credentials: {
        accessKeyId: assumed.Credentials?.AccessKeyId ?? '',
        secretAccessKey: assumed.Credentials?.SecretAccessKey ?? '',
        sessionToken: assumed.Credentials?.SessionToken ?? '',
      },
    });
    expect(await failure(expired.send(new ListBucketsCommand({})))).toEqual({
      name: 'ExpiredToken',
      status: 400,
    });
    client.destroy();
    expired.destroy();
    await sb.close();
  });
});
