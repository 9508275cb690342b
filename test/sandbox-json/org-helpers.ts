/** Clients acting as another account of the sandbox (through STS AssumeRole), and an organization. */
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { RunningSandbox } from '../../src/sandbox/server.ts';
import type { SandboxOrganization } from '../../src/sandbox/organizations/model.ts';
import { credentials } from './helpers.ts';

/** Clients of one region acting as `accountId` (a role assumed with the default account's keys). */
export async function clientsAs(sandbox: RunningSandbox, accountId: string, region: string) {
  const sts = new STSClient({ endpoint: sandbox.url, region, credentials, maxAttempts: 1 });
  const { Credentials: c } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`,
      RoleSessionName: 'test',
    }),
  );
  const assumed = {
    accessKeyId: c?.AccessKeyId ?? '',
    secretAccessKey: c?.SecretAccessKey ?? '',
    sessionToken: c?.SessionToken ?? '',
  };
  const common = { endpoint: sandbox.url, region, credentials: assumed, maxAttempts: 1 };
  return {
    kms: new KMSClient(common),
    config: new ConfigServiceClient(common),
    trail: new CloudTrailClient(common),
    s3: new S3Client({ ...common, forcePathStyle: true }),
  };
}

/** An organization with all features: `management` and `members`, delegated administrators per principal. */
export function organizationState(
  management: string,
  members: string[],
  delegated: Record<string, string[]> = {},
): SandboxOrganization {
  const joined = new Date('2026-01-01T00:00:00Z');
  const ids = [management, ...members];
  return {
    id: 'o-exampleorgid',
    managementAccountId: management,
    featureSet: 'ALL',
    rootId: 'r-root',
    enabledPolicyTypes: new Set(),
    units: new Map(),
    accounts: new Map(
      ids.map((id) => [
        id,
        {
          id,
          name: `account-${id}`,
          email: `${id}@example.com`,
          state: 'ACTIVE' as const,
          parentId: 'r-root',
          joinedMethod: 'CREATED' as const,
          joinedTimestamp: joined,
        },
      ]),
    ),
    policies: new Map(),
    attachments: new Map(),
    delegatedAdministrators: new Map(Object.entries(delegated).map(([id, p]) => [id, new Set(p)])),
  };
}

/**
 * Sets up the sandbox's organization with `management` and `members` and the delegated
 * administrators given per account.
 */
export async function setUpOrganization(
  sandbox: RunningSandbox,
  management: string,
  members: string[],
  delegated: Record<string, string[]> = {},
): Promise<void> {
  sandbox.state.organization = organizationState(management, members, delegated);
  await Promise.resolve();
}
