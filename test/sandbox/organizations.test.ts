import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  AttachPolicyCommand,
  CloseAccountCommand,
  CreateOrganizationalUnitCommand,
  CreatePolicyCommand,
  DescribeEffectivePolicyCommand,
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  EnablePolicyTypeCommand,
  ListAccountsCommand,
  ListChildrenCommand,
  ListDelegatedAdministratorsCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListPoliciesForTargetCommand,
  ListRootsCommand,
  MoveAccountCommand,
  paginateListAccounts,
  RegisterDelegatedAdministratorCommand,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/server.ts';
import type { RunningSandbox } from '../../src/sandbox/server.ts';
import { failure, organizations, sts } from './clients.ts';
import { buildOrgFixture, type OrgFixture } from './org-fixture.ts';
import { s3BpaPolicy } from '../support/snapshot.ts';

let sandbox: RunningSandbox;
let org: OrganizationsClient;
let fx: OrgFixture;

async function assume(
  accountId: string,
  role = 'OrganizationAccountAccessRole',
): Promise<AwsCredentialIdentity> {
  const client = sts(sandbox);
  try {
    const out = await client.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/${role}`, RoleSessionName: 'test' }),
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

async function as<T>(accountId: string, fn: (c: OrganizationsClient) => Promise<T>): Promise<T> {
  const client = organizations(sandbox, { credentials: await assume(accountId) });
  try {
    return await fn(client);
  } finally {
    client.destroy();
  }
}

beforeAll(async () => {
  sandbox = await startSandbox();
  org = organizations(sandbox);
  fx = await buildOrgFixture(sandbox, org);
});
afterAll(async () => {
  org.destroy();
  await sandbox.close();
});

describe('sandbox Organizations over the wire', () => {
  it('describes the organization with the caller as management account and every policy type on the root', async () => {
    const out = await org.send(new DescribeOrganizationCommand({}));
    expect(out.Organization?.Id).toMatch(/^o-[a-z0-9]{10}$/);
    expect(out.Organization?.MasterAccountId).toBe('111122223333');
    expect(out.Organization?.FeatureSet).toBe('ALL');
    const roots = await org.send(new ListRootsCommand({}));
    expect(roots.Roots?.[0]?.Id).toMatch(/^r-[a-z0-9]{4}$/);
    expect(roots.Roots?.[0]?.PolicyTypes?.map((p) => p.Type).sort()).toEqual([
      'RESOURCE_CONTROL_POLICY',
      'S3_POLICY',
      'SERVICE_CONTROL_POLICY',
    ]);
  });

  it('lists accounts with State (and the deprecated Status) and pages with NextToken / MaxResults', async () => {
    const pages: number[] = [];
    const all: { Id?: string; State?: string; Status?: string }[] = [];
    for await (const page of paginateListAccounts({ client: org, pageSize: 3 }, {})) {
      pages.push(page.Accounts?.length ?? 0);
      all.push(...(page.Accounts ?? []));
    }
    expect(pages).toEqual([3, 3, 1]);
    expect(new Set(all.map((a) => a.Id)).size).toBe(7);
    const closed = all.find((a) => a.Id === fx.closed);
    expect(closed).toMatchObject({ State: 'PENDING_CLOSURE', Status: 'PENDING_CLOSURE' });
    expect(all.find((a) => a.Id === fx.prod)).toMatchObject({ State: 'ACTIVE', Status: 'ACTIVE' });
    expect(await failure(org.send(new ListAccountsCommand({ MaxResults: 21 })))).toMatchObject({
      name: 'InvalidInputException',
    });
    expect(await failure(org.send(new ListAccountsCommand({ NextToken: 'bogus' })))).toMatchObject({
      name: 'InvalidInputException',
    });
  });

  it('a closed account is PENDING_CLOSURE, then SUSPENDED minutes later, and can no longer be signed in to', async () => {
    await fetch(new URL('/_sandbox/clock', sandbox.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceMs: 6 * 60_000 }),
    });
    try {
      const all = [];
      for await (const page of paginateListAccounts({ client: org }, {})) all.push(...(page.Accounts ?? []));
      expect(all.find((a) => a.Id === fx.closed)).toMatchObject({ State: 'SUSPENDED', Status: 'SUSPENDED' });
      expect(await failure(assume(fx.closed))).toMatchObject({ name: 'AccessDenied', status: 403 });
      expect(await failure(org.send(new CloseAccountCommand({ AccountId: fx.closed })))).toMatchObject({
        name: 'AccountAlreadyClosedException',
      });
    } finally {
      await fetch(new URL('/_sandbox/clock', sandbox.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ realTime: true }),
      });
    }
  });

  it('walks the tree: ListParents up to the root, ListChildren and ListOrganizationalUnitsForParent down', async () => {
    const parents = await org.send(new ListParentsCommand({ ChildId: fx.prod }));
    expect(parents.Parents).toEqual([{ Id: fx.ous.prodOu, Type: 'ORGANIZATIONAL_UNIT' }]);
    const up = await org.send(new ListParentsCommand({ ChildId: fx.ous.prodOu }));
    expect(up.Parents).toEqual([{ Id: fx.ous.workloads, Type: 'ORGANIZATIONAL_UNIT' }]);
    const top = await org.send(new ListParentsCommand({ ChildId: fx.ous.workloads }));
    expect(top.Parents).toEqual([{ Id: fx.rootId, Type: 'ROOT' }]);
    const units = await org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: fx.ous.workloads }));
    expect(units.OrganizationalUnits?.map((u) => u.Name).sort()).toEqual(['Dev', 'Prod']);
    const children = await org.send(
      new ListChildrenCommand({ ParentId: fx.ous.devOu, ChildType: 'ACCOUNT' }),
    );
    expect(children.Children?.map((c) => c.Id).sort()).toEqual([fx.dev, fx.noRole].sort());
    expect(await failure(org.send(new ListParentsCommand({ ChildId: '000000000000' })))).toMatchObject({
      name: 'ChildNotFoundException',
    });
  });

  it('lists the policies attached to a target, with the AWS managed full-access policies attached everywhere', async () => {
    const rcps = await org.send(
      new ListPoliciesForTargetCommand({ TargetId: fx.ous.prodOu, Filter: 'RESOURCE_CONTROL_POLICY' }),
    );
    expect(rcps.Policies?.map((p) => p.Id).sort()).toEqual(['p-RCPFullAWSAccess', fx.policies.tlsRcp].sort());
    const scps = await org.send(
      new ListPoliciesForTargetCommand({ TargetId: fx.prod, Filter: 'SERVICE_CONTROL_POLICY' }),
    );
    expect(scps.Policies).toEqual([expect.objectContaining({ Id: 'p-FullAWSAccess', AwsManaged: true })]);
    const described = await org.send(new DescribePolicyCommand({ PolicyId: fx.policies.tlsRcp }));
    expect(JSON.parse(described.Policy?.Content ?? '{}')).toMatchObject({
      Statement: [expect.objectContaining({ Sid: 'EnforceSecureTransport' })],
    });
    expect(described.Policy?.PolicySummary?.Arn).toMatch(/:policy\/o-[a-z0-9]+\/resource_control_policy\/p-/);
  });

  it('computes the effective S3 policy from the root, the OUs and the account with the inheritance operators', async () => {
    const out = await org.send(
      new DescribeEffectivePolicyCommand({ PolicyType: 'S3_POLICY', TargetId: fx.dev }),
    );
    expect(JSON.parse(out.EffectivePolicy?.PolicyContent ?? '{}')).toEqual({
      s3_attributes: { public_access_block_configuration: 'all' },
    });
    // A policy on an OU below overrides with @@assign, unless the root locked the key.
    const none = await org.send(
      new CreatePolicyCommand({
        Name: 'dev-bpa-none',
        Description: 'Dev manages BPA itself',
        Type: 'S3_POLICY',
        Content: s3BpaPolicy('none'),
      }),
    );
    await org.send(
      new AttachPolicyCommand({ PolicyId: none.Policy?.PolicySummary?.Id, TargetId: fx.ous.devOu }),
    );
    const overridden = await org.send(
      new DescribeEffectivePolicyCommand({ PolicyType: 'S3_POLICY', TargetId: fx.dev }),
    );
    expect(JSON.parse(overridden.EffectivePolicy?.PolicyContent ?? '{}')).toEqual({
      s3_attributes: { public_access_block_configuration: 'none' },
    });
    const prod = await org.send(
      new DescribeEffectivePolicyCommand({ PolicyType: 'S3_POLICY', TargetId: fx.prod }),
    );
    expect(JSON.parse(prod.EffectivePolicy?.PolicyContent ?? '{}')).toEqual({
      s3_attributes: { public_access_block_configuration: 'all' },
    });
    expect(
      await failure(
        org.send(new DescribeEffectivePolicyCommand({ PolicyType: 'TAG_POLICY', TargetId: fx.dev })),
      ),
    ).toMatchObject({ name: 'EffectivePolicyNotFoundException' });
    expect(
      await failure(
        org.send(
          new DescribeEffectivePolicyCommand({
            PolicyType: 'RESOURCE_CONTROL_POLICY' as 'S3_POLICY', // not an effective-policy type: refused
            TargetId: fx.dev,
          }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidInputException' });
  });

  it("answers AWS's errors for attachments, moves and OUs", async () => {
    expect(
      await failure(
        org.send(new AttachPolicyCommand({ PolicyId: fx.policies.tlsRcp, TargetId: fx.ous.prodOu })),
      ),
    ).toMatchObject({ name: 'DuplicatePolicyAttachmentException' });
    expect(
      await failure(org.send(new AttachPolicyCommand({ PolicyId: 'p-00000000', TargetId: fx.ous.prodOu }))),
    ).toMatchObject({ name: 'PolicyNotFoundException' });
    expect(
      await failure(
        org.send(new AttachPolicyCommand({ PolicyId: fx.policies.tlsRcp, TargetId: 'ou-zzzz-00000000' })),
      ),
    ).toMatchObject({ name: 'TargetNotFoundException' });
    expect(
      await failure(
        org.send(
          new MoveAccountCommand({
            AccountId: fx.prod,
            SourceParentId: fx.rootId,
            DestinationParentId: fx.ous.devOu,
          }),
        ),
      ),
    ).toMatchObject({ name: 'SourceParentNotFoundException' });
    expect(
      await failure(
        org.send(new CreateOrganizationalUnitCommand({ ParentId: fx.ous.workloads, Name: 'Prod' })),
      ),
    ).toMatchObject({ name: 'DuplicateOrganizationalUnitException' });
    expect(
      await failure(org.send(new EnablePolicyTypeCommand({ RootId: fx.rootId, PolicyType: 'S3_POLICY' }))),
    ).toMatchObject({ name: 'PolicyTypeAlreadyEnabledException' });
    expect(await failure(org.send(new CloseAccountCommand({ AccountId: fx.management })))).toMatchObject({
      name: 'ConstraintViolationException',
    });
  });

  it('refuses a policy of a type not enabled on the root with PolicyTypeNotEnabledException', async () => {
    const tag = await org.send(
      new CreatePolicyCommand({
        Name: 'tags',
        Description: 'tags',
        Type: 'TAG_POLICY',
        Content: '{"tags":{}}',
      }),
    );
    expect(
      await failure(
        org.send(new AttachPolicyCommand({ PolicyId: tag.Policy?.PolicySummary?.Id, TargetId: fx.rootId })),
      ),
    ).toMatchObject({ name: 'PolicyTypeNotEnabledException' });
  });

  it('lets the delegated administrator read the organization, and denies other members', async () => {
    const admins = await org.send(new ListDelegatedAdministratorsCommand({}));
    expect(admins.DelegatedAdministrators?.map((a) => a.Id)).toEqual([fx.audit]);
    expect(admins.DelegatedAdministrators?.[0]?.State).toBe('ACTIVE');
    const fromAudit = await as(fx.audit, (c) => c.send(new ListAccountsCommand({})));
    expect(fromAudit.Accounts?.length).toBe(7);
    const denied = await as(fx.prod, (c) => failure(c.send(new ListAccountsCommand({}))));
    expect(denied).toMatchObject({ name: 'AccessDeniedException' });
    // Any member may describe the organization, and its own effective policy.
    const described = await as(fx.prod, (c) => c.send(new DescribeOrganizationCommand({})));
    expect(described.Organization?.MasterAccountId).toBe(fx.management);
    const own = await as(fx.prod, (c) =>
      c.send(new DescribeEffectivePolicyCommand({ PolicyType: 'S3_POLICY' })),
    );
    expect(own.EffectivePolicy?.TargetId).toBe(fx.prod);
    expect(
      await as(fx.prod, (c) =>
        failure(
          c.send(
            new RegisterDelegatedAdministratorCommand({
              AccountId: fx.dev,
              ServicePrincipal: 'x.amazonaws.com',
            }),
          ),
        ),
      ),
    ).toMatchObject({ name: 'AccessDeniedException' });
    expect(
      await failure(
        org.send(
          new RegisterDelegatedAdministratorCommand({
            AccountId: fx.audit,
            ServicePrincipal: 'config.amazonaws.com',
          }),
        ),
      ),
    ).toMatchObject({ name: 'AccountAlreadyRegisteredException' });
  });

  it('a new account is reachable through OrganizationAccountAccessRole only; a deleted role is AccessDenied', async () => {
    await expect(assume(fx.dev)).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
    expect(await failure(assume(fx.dev, 'SomeOtherRole'))).toMatchObject({
      name: 'AccessDenied',
      status: 403,
    });
    expect(await failure(assume(fx.noRole))).toMatchObject({ name: 'AccessDenied', status: 403 });
  });

  it('an account outside any organization gets AWSOrganizationsNotInUseException', async () => {
    const outsider = await startSandbox();
    const client = organizations(outsider);
    try {
      expect(await failure(client.send(new DescribeOrganizationCommand({})))).toMatchObject({
        name: 'AWSOrganizationsNotInUseException',
      });
      expect(await failure(client.send(new ListAccountsCommand({})))).toMatchObject({
        name: 'AWSOrganizationsNotInUseException',
      });
    } finally {
      client.destroy();
      await outsider.close();
    }
  });
});
