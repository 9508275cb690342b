/**
 * Clients acting as another account of the sandbox (through STS AssumeRole), and an organization
 * set up through Organizations SDK calls, as on AWS.
 */
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { RunningSandbox } from '../../src/sandbox/server.ts';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  DescribeCreateAccountStatusCommand,
  OrganizationsClient,
  RegisterDelegatedAdministratorCommand,
} from '@aws-sdk/client-organizations';
import { credentials } from './helpers.ts';

/** Clients of one region acting as `accountId` (a role assumed with the default account's keys). */
export async function clientsAs(sandbox: RunningSandbox, accountId: string, region: string) {
  const sts = new STSClient({ endpoint: sandbox.url, region, credentials, maxAttempts: 1 });
  const { Credentials: c } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${accountId}:role/${MEMBER_ROLE}`,
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

/** The role CreateAccount makes in every new account; the tests read member accounts through it. */
export const MEMBER_ROLE = 'OrganizationAccountAccessRole';

/** The organization made by {@link setUpOrganization}: account ids by the names asked for. */
export interface TestOrganization {
  management: string;
  ids: Record<string, string>;
}

/**
 * Creates an organization (all features) with the sandbox's default account as management
 * account, one new account per name (CreateAccount), and registers the delegated administrators
 * given per account name: `{ audit: ['config.amazonaws.com'] }`.
 */
export async function setUpOrganization(
  sandbox: RunningSandbox,
  names: string[],
  delegated: Record<string, string[]> = {},
): Promise<TestOrganization> {
  const org = new OrganizationsClient({
    endpoint: sandbox.url,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
  });
  const made = await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const ids: Record<string, string> = {};
  for (const name of names) {
    const created = await org.send(
      new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }),
    );
    const status = await org.send(
      new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: created.CreateAccountStatus?.Id }),
    );
    const id = status.CreateAccountStatus?.AccountId;
    if (!id) throw new Error(`CreateAccount ${name} did not succeed`);
    ids[name] = id;
  }
  for (const [name, principals] of Object.entries(delegated)) {
    for (const ServicePrincipal of principals)
      await org.send(new RegisterDelegatedAdministratorCommand({ AccountId: ids[name], ServicePrincipal }));
  }
  org.destroy();
  return { management: made.Organization?.MasterAccountId ?? '', ids };
}
