import {
  AttachPolicyCommand,
  CloseAccountCommand,
  CreateAccountCommand,
  CreateOrganizationCommand,
  CreateOrganizationalUnitCommand,
  CreatePolicyCommand,
  DescribeCreateAccountStatusCommand,
  EnablePolicyTypeCommand,
  MoveAccountCommand,
  OrganizationsClient,
  RegisterDelegatedAdministratorCommand,
} from '@aws-sdk/client-organizations';
import { CreateBucketCommand, PutBucketTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { joinAccount, renameAccount } from '../organizations/setup.ts';
import type { SandboxState } from '../state.ts';
import { setClock } from './clock.ts';

/**
 * The demo estate as an AWS Organization (a Control Tower-like landing zone), set up through
 * Organizations calls: the demo's caller account is the management account; `log-archive` and
 * `audit` (delegated administrator for AWS Config) under Security; a new `acme-workload-prod`
 * account under Workloads/Prod, which a TLS-only resource control policy covers; the existing
 * second account (`globex-subsidiary`, which joined by invitation) under Workloads/Dev; an S3
 * policy enforcing all four Block Public Access settings on the root, and a second S3 policy,
 * attached to the management account alone, that exempts it (`"none"`): as AWS advises for S3
 * policies, the accounts with a legitimate public need are identified first and excluded by an
 * account-level attachment. The management account hosts the public marketing website (an
 * approved exception) and is where the demo's public-access findings and the period's account
 * Block Public Access exposure live; with the exemption its account-level Block Public Access is
 * the organization's "none" (all four off). A retired account, closed two days before the pack
 * (SUSPENDED); and an account whose OrganizationAccountAccessRole was deleted (a gap: it cannot
 * be read).
 */

/** The role the demo config reads member accounts through. */
export const DEMO_ORG_ROLE = 'OrganizationAccountAccessRole';
/** The demo's bucket under the TLS-only RCP, with no TLS statement of its own. */
export const DEMO_RCP_BUCKET = 'acme-prod-orders';

export const DEMO_TLS_RCP = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'EnforceSecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: '*',
      Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } },
    },
  ],
});

const BPA_S3_POLICY = JSON.stringify({
  s3_attributes: { public_access_block_configuration: { '@@assign': 'all' } },
});

/** The exemption: a child policy's `@@assign` replaces the root's value (the root does not lock it). */
const BPA_EXEMPTION_S3_POLICY = JSON.stringify({
  s3_attributes: { public_access_block_configuration: { '@@assign': 'none' } },
});

/** Build the organization (after the rest of the demo estate), as its management account. */
export async function buildDemoOrganization(
  endpoint: string,
  state: SandboxState,
  credentials: { accessKeyId: string; secretAccessKey: string },
  globex: { id: string; name: string },
): Promise<void> {
  const org = new OrganizationsClient({ region: 'us-east-1', endpoint, credentials, maxAttempts: 1 });
  const sts = new STSClient({ region: 'us-east-1', endpoint, credentials, maxAttempts: 1 });
  const created: string[] = [];
  const account = async (name: string): Promise<string> => {
    const made = await org.send(
      new CreateAccountCommand({ AccountName: name, Email: `aws+${name}@acme.example` }),
    );
    const status = await org.send(
      new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: made.CreateAccountStatus?.Id }),
    );
    const id = status.CreateAccountStatus?.AccountId;
    if (!id) throw new Error(`demo: CreateAccount ${name} gave no account id`);
    created.push(id);
    return id;
  };
  const ou = async (parent: string, name: string): Promise<string> => {
    const made = await org.send(new CreateOrganizationalUnitCommand({ ParentId: parent, Name: name }));
    if (!made.OrganizationalUnit?.Id) throw new Error(`demo: no OU id for ${name}`);
    return made.OrganizationalUnit.Id;
  };
  try {
    // Two days back, so the retired account closed then is SUSPENDED by the time of the pack.
    await setClock(endpoint, { now: new Date(Date.now() - 2 * 24 * 3_600_000).toISOString() });
    const made = await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const management = made.Organization?.MasterAccountId ?? '';
    renameAccount(state, management, 'acme-management');
    const root = state.organization?.rootId ?? '';
    for (const PolicyType of ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY', 'S3_POLICY'] as const)
      await org.send(new EnablePolicyTypeCommand({ RootId: root, PolicyType }));
    const security = await ou(root, 'Security');
    const workloads = await ou(root, 'Workloads');
    const prodOu = await ou(workloads, 'Prod');
    const devOu = await ou(workloads, 'Dev');
    const retiredOu = await ou(root, 'Suspended');
    const logArchive = await account('acme-log-archive');
    const audit = await account('acme-audit');
    const prod = await account('acme-workload-prod');
    const retired = await account('acme-retired-sandbox');
    const noRole = await account('acme-legacy-analytics');
    const move = (AccountId: string, DestinationParentId: string) =>
      org.send(new MoveAccountCommand({ AccountId, SourceParentId: root, DestinationParentId }));
    await move(logArchive, security);
    await move(audit, security);
    await move(prod, prodOu);
    await move(retired, retiredOu);
    await move(noRole, devOu);
    // The second account predates the organization: it joined by invitation (no API here).
    joinAccount(state, { id: globex.id, name: globex.name, email: 'aws@globex.example', parentId: devOu });
    await org.send(
      new RegisterDelegatedAdministratorCommand({
        AccountId: audit,
        ServicePrincipal: 'config.amazonaws.com',
      }),
    );
    const rcp = await org.send(
      new CreatePolicyCommand({
        Name: 'acme-tls-only',
        Description: 'Deny every S3 request made without TLS',
        Type: 'RESOURCE_CONTROL_POLICY',
        Content: DEMO_TLS_RCP,
      }),
    );
    await org.send(new AttachPolicyCommand({ PolicyId: rcp.Policy?.PolicySummary?.Id, TargetId: prodOu }));
    // The exemption is attached before the organization-wide policy, so the management account's
    // public website is never blocked in between.
    const exemption = await org.send(
      new CreatePolicyCommand({
        Name: 'acme-public-website-exemption',
        Description: 'Exempts the account hosting the public marketing website from Block Public Access',
        Type: 'S3_POLICY',
        Content: BPA_EXEMPTION_S3_POLICY,
      }),
    );
    await org.send(
      new AttachPolicyCommand({ PolicyId: exemption.Policy?.PolicySummary?.Id, TargetId: management }),
    );
    const s3Policy = await org.send(
      new CreatePolicyCommand({
        Name: 'acme-block-public-access',
        Description: 'All four S3 Block Public Access settings, for every account in the organization',
        Type: 'S3_POLICY',
        Content: BPA_S3_POLICY,
      }),
    );
    await org.send(new AttachPolicyCommand({ PolicyId: s3Policy.Policy?.PolicySummary?.Id, TargetId: root }));
    await org.send(new CloseAccountCommand({ AccountId: retired }));
    const res = await fetch(new URL(`/_sandbox/accounts/${noRole}/roles/${DEMO_ORG_ROLE}`, endpoint), {
      method: 'DELETE',
    });
    if (!res.ok) throw new Error(`demo: deleting the role: HTTP ${res.status}`);
  } finally {
    await setClock(endpoint, { realTime: true });
  }
  // A bucket in the prod workload account with no TLS statement: the OU's RCP makes it TLS-only.
  try {
    const prod = created[2] ?? '';
    const assumed = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${prod}:role/${DEMO_ORG_ROLE}`,
        RoleSessionName: 'demo-setup',
      }),
    );
    const c = assumed.Credentials;
    const s3 = new S3Client({
      region: 'us-east-1',
      endpoint,
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: {
        accessKeyId: c?.AccessKeyId ?? '',
        secretAccessKey: c?.SecretAccessKey ?? '',
        sessionToken: c?.SessionToken ?? '',
      },
    });
    try {
      await s3.send(new CreateBucketCommand({ Bucket: DEMO_RCP_BUCKET }));
      await s3.send(
        new PutBucketTaggingCommand({
          Bucket: DEMO_RCP_BUCKET,
          Tagging: {
            TagSet: [
              { Key: 'data-class', Value: 'internal' },
              { Key: 'owner', Value: 'commerce' },
            ],
          },
        }),
      );
    } finally {
      s3.destroy();
    }
  } finally {
    org.destroy();
    sts.destroy();
  }
}
