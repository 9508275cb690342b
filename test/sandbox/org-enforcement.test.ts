/**
 * The sandbox's S3 enforces the organization's policies on the requests it serves, as AWS does:
 * a plain-HTTP request to a bucket of an account under a TLS-only RCP gets 403 AccessDenied, the
 * same request over TLS (or outside the OU, or in the management account) does not; under an S3
 * policy enforcing Block Public Access, S3 Control reports the effective setting and refuses to
 * loosen it; an account exempted from the root's "all" by an account-level "none" S3 policy (as AWS
 * advises for accounts with a legitimate public need) gets all four off, while its sibling keeps
 * "all". The organization is set up through SDK calls only (see org-fixture.ts).
 */
import {
  AttachPolicyCommand,
  CreatePolicyCommand,
  DescribeEffectivePolicyCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  CreateBucketCommand,
  DeletePublicAccessBlockCommand as DeleteBucketPabCommand,
  PutBucketPolicyCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  DeletePublicAccessBlockCommand,
  GetPublicAccessBlockCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3-control';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server.ts';
import { failure, organizations, s3, s3control, sts } from './clients.ts';
import { buildOrgFixture, type OrgFixture } from './org-fixture.ts';
import { s3BpaPolicy } from '../support/snapshot.ts';

let sandbox: RunningSandbox;
let org: OrganizationsClient;
let fx: OrgFixture;

async function assume(accountId: string): Promise<AwsCredentialIdentity> {
  const client = sts(sandbox);
  try {
    const out = await client.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`,
        RoleSessionName: 'test',
      }),
    );
    const c = out.Credentials;
    return {
      accessKeyId: c?.AccessKeyId ?? '',
      secretAccessKey: c?.SecretAccessKey ?? '',
      sessionToken: c?.SessionToken ?? '',
    };
  } finally {
    client.destroy();
  }
}

/** An S3 client whose requests say they reached S3 over plain HTTP (a TLS-terminating front's header). */
function plainHttp(client: S3Client): S3Client {
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers: Record<string, string> };
      request.headers['x-forwarded-proto'] = 'http';
      return next(args);
    },
    { step: 'build', name: 'plainHttp' },
  );
  return client;
}

const clients: { destroy(): void }[] = [];
async function s3As(accountId: string, plain = false): Promise<S3Client> {
  const client = s3(sandbox, { credentials: await assume(accountId) });
  clients.push(client);
  return plain ? plainHttp(client) : client;
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  org = organizations(sandbox);
  fx = await buildOrgFixture(sandbox, org);
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  org.destroy();
  await sandbox.close();
});

describe('resource control policies on S3 requests', () => {
  it('refuses a plain-HTTP request to a bucket under the TLS-only RCP with 403 and AWS wording', async () => {
    const tls = await s3As(fx.prod);
    await tls.send(new CreateBucketCommand({ Bucket: 'prod-data-rcp' }));
    await tls.send(new PutObjectCommand({ Bucket: 'prod-data-rcp', Key: 'a.txt', Body: 'x' }));
    const plain = await s3As(fx.prod, true);
    const get = await failure(plain.send(new GetObjectCommand({ Bucket: 'prod-data-rcp', Key: 'a.txt' })));
    expect(get).toEqual({ name: 'AccessDenied', status: 403 });
    try {
      await plain.send(new ListObjectsV2Command({ Bucket: 'prod-data-rcp' }));
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toMatch(
        /^User: arn:aws:sts::\d{12}:assumed-role\/OrganizationAccountAccessRole\/test is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::prod-data-rcp" with an explicit deny in a resource control policy$/,
      );
    }
    // The same requests over TLS are served.
    const body = await (
      await tls.send(new GetObjectCommand({ Bucket: 'prod-data-rcp', Key: 'a.txt' }))
    ).Body?.transformToString();
    expect(body).toBe('x');
  });

  it('serves plain HTTP to a bucket of an account outside the OU and of the management account', async () => {
    const dev = await s3As(fx.dev);
    await dev.send(new CreateBucketCommand({ Bucket: 'dev-data-rcp' }));
    const plainDev = await s3As(fx.dev, true);
    await plainDev.send(new PutObjectCommand({ Bucket: 'dev-data-rcp', Key: 'a.txt', Body: 'x' }));
    const mgmt = plainHttp(s3(sandbox));
    clients.push(mgmt);
    await mgmt.send(new CreateBucketCommand({ Bucket: 'mgmt-data-rcp' }));
    await mgmt.send(new PutObjectCommand({ Bucket: 'mgmt-data-rcp', Key: 'a.txt', Body: 'x' }));
  });
});

describe('S3 policy enforcing Block Public Access', () => {
  it('reports the effective account-level setting and refuses to loosen it', async () => {
    const creds = await assume(fx.dev);
    const control = s3control(sandbox, { credentials: creds });
    clients.push(control);
    const got = await control.send(new GetPublicAccessBlockCommand({ AccountId: fx.dev }));
    expect(got.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    const loosen = control.send(
      new PutPublicAccessBlockCommand({
        AccountId: fx.dev,
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: false,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        },
      }),
    );
    expect(await failure(loosen)).toEqual({ name: 'AccessDenied', status: 403 });
    expect(await failure(control.send(new DeletePublicAccessBlockCommand({ AccountId: fx.dev })))).toEqual({
      name: 'AccessDenied',
      status: 403,
    });
    const after = await control.send(new GetPublicAccessBlockCommand({ AccountId: fx.dev }));
    expect(after.PublicAccessBlockConfiguration?.BlockPublicAcls).toBe(true);
  });

  it('exempts an account from the root\'s "all" with an account-level "none": off for it, "all" for its sibling', async () => {
    const exemption = await org.send(
      new CreatePolicyCommand({
        Name: 'audit-public-exemption',
        Description: 'The audit account hosts a public site',
        Type: 'S3_POLICY',
        Content: s3BpaPolicy('none'),
      }),
    );
    await org.send(
      new AttachPolicyCommand({ PolicyId: exemption.Policy?.PolicySummary?.Id, TargetId: fx.audit }),
    );
    const effective = async (TargetId: string) =>
      JSON.parse(
        (await org.send(new DescribeEffectivePolicyCommand({ PolicyType: 'S3_POLICY', TargetId })))
          .EffectivePolicy?.PolicyContent ?? '{}',
      ) as unknown;
    expect(await effective(fx.audit)).toEqual({
      s3_attributes: { public_access_block_configuration: 'none' },
    });
    // log-archive sits beside audit in OU Security, with no exemption of its own.
    expect(await effective(fx.logArchive)).toEqual({
      s3_attributes: { public_access_block_configuration: 'all' },
    });

    const auditControl = s3control(sandbox, { credentials: await assume(fx.audit) });
    const siblingControl = s3control(sandbox, { credentials: await assume(fx.logArchive) });
    clients.push(auditControl, siblingControl);
    const off = {
      BlockPublicAcls: false,
      IgnorePublicAcls: false,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: false,
    };
    const on = {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    };
    expect(
      (await auditControl.send(new GetPublicAccessBlockCommand({ AccountId: fx.audit })))
        .PublicAccessBlockConfiguration,
    ).toEqual(off);
    expect(
      (await siblingControl.send(new GetPublicAccessBlockCommand({ AccountId: fx.logArchive })))
        .PublicAccessBlockConfiguration,
    ).toEqual(on);
    // "none" is managed too: the exempted account cannot turn the settings on by itself.
    const turnOn = auditControl.send(
      new PutPublicAccessBlockCommand({ AccountId: fx.audit, PublicAccessBlockConfiguration: on }),
    );
    expect(await failure(turnOn)).toEqual({ name: 'AccessDenied', status: 403 });

    // What S3 enforces follows: a public bucket policy is accepted in the exempted account only.
    const publicRead = (Bucket: string) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${Bucket}/*` },
        ],
      });
    const site = async (accountId: string, Bucket: string) => {
      const client = await s3As(accountId);
      await client.send(new CreateBucketCommand({ Bucket }));
      // The bucket's own Block Public Access is the bucket owner's: removed in both accounts.
      await client.send(new DeleteBucketPabCommand({ Bucket }));
      return () => client.send(new PutBucketPolicyCommand({ Bucket, Policy: publicRead(Bucket) }));
    };
    const exempted = await site(fx.audit, 'audit-public-site');
    const sibling = await site(fx.logArchive, 'log-archive-public-site');
    await exempted();
    expect(await failure(sibling())).toEqual({ name: 'AccessDenied', status: 403 });
  });
});
