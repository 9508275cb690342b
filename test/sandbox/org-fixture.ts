/**
 * An organization set up in a running sandbox through ordinary SDK calls only (Organizations, STS
 * and the sandbox's admin API for the one thing AWS has no API for here: deleting a role), as a
 * person would on AWS: management account = the sandbox's default account; log-archive and audit
 * under Security; prod under Workloads/Prod (TLS-only RCP), dev under Workloads/Dev; a closed
 * account; an account whose OrganizationAccountAccessRole was deleted; an S3 policy on the root.
 */
import {
  AttachPolicyCommand,
  CloseAccountCommand,
  CreateAccountCommand,
  CreateOrganizationCommand,
  CreateOrganizationalUnitCommand,
  CreatePolicyCommand,
  DescribeCreateAccountStatusCommand,
  EnablePolicyTypeCommand,
  ListRootsCommand,
  MoveAccountCommand,
  RegisterDelegatedAdministratorCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import type { RunningSandbox } from '../../src/sandbox/server.ts';
import { s3BpaPolicy } from '../support/snapshot.ts';

/** Ids of the fixture's organization. */
export interface OrgFixture {
  rootId: string;
  management: string;
  logArchive: string;
  audit: string;
  prod: string;
  dev: string;
  closed: string;
  noRole: string;
  ous: { security: string; workloads: string; prodOu: string; devOu: string };
  policies: { tlsRcp: string; s3Bpa: string };
}

/** RCP denying every S3 request made without TLS. */
export const TLS_ONLY_RCP = JSON.stringify({
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

/** S3 policy enforcing all four Block Public Access settings. */
export const BPA_S3_POLICY = s3BpaPolicy('all');

async function createAccount(org: OrganizationsClient, name: string): Promise<string> {
  const created = await org.send(
    new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }),
  );
  const status = await org.send(
    new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: created.CreateAccountStatus?.Id }),
  );
  if (status.CreateAccountStatus?.State !== 'SUCCEEDED' || !status.CreateAccountStatus.AccountId)
    throw new Error(`CreateAccount ${name} did not succeed`);
  return status.CreateAccountStatus.AccountId;
}

async function ou(org: OrganizationsClient, parentId: string, name: string): Promise<string> {
  const made = await org.send(new CreateOrganizationalUnitCommand({ ParentId: parentId, Name: name }));
  if (!made.OrganizationalUnit?.Id) throw new Error(`no OU id for ${name}`);
  return made.OrganizationalUnit.Id;
}

/** Build the fixture with `org` (a client signed by the management account). */
export async function buildOrgFixture(
  sandbox: RunningSandbox,
  org: OrganizationsClient,
): Promise<OrgFixture> {
  const made = await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const management = made.Organization?.MasterAccountId ?? '';
  const rootId = (await org.send(new ListRootsCommand({}))).Roots?.[0]?.Id ?? '';
  for (const PolicyType of ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY', 'S3_POLICY'] as const)
    await org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType }));
  const security = await ou(org, rootId, 'Security');
  const workloads = await ou(org, rootId, 'Workloads');
  const prodOu = await ou(org, workloads, 'Prod');
  const devOu = await ou(org, workloads, 'Dev');
  const logArchive = await createAccount(org, 'log-archive');
  const audit = await createAccount(org, 'audit');
  const prod = await createAccount(org, 'workload-prod');
  const dev = await createAccount(org, 'workload-dev');
  const closed = await createAccount(org, 'retired-sandbox');
  const noRole = await createAccount(org, 'legacy-no-role');
  const move = (AccountId: string, DestinationParentId: string) =>
    org.send(new MoveAccountCommand({ AccountId, SourceParentId: rootId, DestinationParentId }));
  await move(logArchive, security);
  await move(audit, security);
  await move(prod, prodOu);
  await move(dev, devOu);
  await move(noRole, devOu);
  await org.send(
    new RegisterDelegatedAdministratorCommand({ AccountId: audit, ServicePrincipal: 'config.amazonaws.com' }),
  );
  const rcp = await org.send(
    new CreatePolicyCommand({
      Name: 'tls-only',
      Description: 'Deny S3 requests without TLS',
      Type: 'RESOURCE_CONTROL_POLICY',
      Content: TLS_ONLY_RCP,
    }),
  );
  const s3Policy = await org.send(
    new CreatePolicyCommand({
      Name: 'block-public-access',
      Description: 'All four Block Public Access settings',
      Type: 'S3_POLICY',
      Content: BPA_S3_POLICY,
    }),
  );
  const tlsRcp = rcp.Policy?.PolicySummary?.Id ?? '';
  const s3Bpa = s3Policy.Policy?.PolicySummary?.Id ?? '';
  await org.send(new AttachPolicyCommand({ PolicyId: tlsRcp, TargetId: prodOu }));
  await org.send(new AttachPolicyCommand({ PolicyId: s3Bpa, TargetId: rootId }));
  await org.send(new CloseAccountCommand({ AccountId: closed }));
  const res = await fetch(
    new URL(`/_sandbox/accounts/${noRole}/roles/OrganizationAccountAccessRole`, sandbox.url),
    {
      method: 'DELETE',
    },
  );
  if (!res.ok) throw new Error(`deleting the role: HTTP ${res.status}`);
  return {
    rootId,
    management,
    logArchive,
    audit,
    prod,
    dev,
    closed,
    noRole,
    ous: { security, workloads, prodOu, devOu },
    policies: { tlsRcp, s3Bpa },
  };
}
