/**
 * An organization snapshot shaped as the collector writes it (see test/collect/organization.test.ts
 * for the real thing against the sandbox): management account read directly, a prod account read
 * through the role under Workloads/Prod with a TLS-only RCP, a suspended account, and an account
 * whose role could not be assumed.
 */
import type { OrganizationSnapshot } from '../../src/snapshot/organization.ts';
import type { EvidenceRef } from '../../src/snapshot/outcome.ts';

const ev = (operation: string, requestId = `req-${operation}`): EvidenceRef => ({
  file: 'raw/organizations/us-east-1.jsonl',
  callId: `c-${operation}`,
  service: 'organizations',
  operation,
  requestId,
});

export function orgSnapshot(): OrganizationSnapshot {
  const root = { id: 'r-ab12', type: 'ROOT' as const, name: 'Root' };
  const workloads = { id: 'ou-ab12-11111111', type: 'ORGANIZATIONAL_UNIT' as const, name: 'Workloads' };
  const prod = { id: 'ou-ab12-22222222', type: 'ORGANIZATIONAL_UNIT' as const, name: 'Prod' };
  const path = (...nodes: (typeof root | typeof prod)[]) => ({
    status: 'ok' as const,
    value: nodes,
    evidence: ev('ListParents'),
  });
  return {
    description: {
      status: 'ok',
      value: {
        id: 'o-abcdefghij',
        arn: 'arn:aws:organizations::111122223333:organization/o-abcdefghij',
        managementAccountId: '111122223333',
        featureSet: 'ALL',
      },
      evidence: ev('DescribeOrganization'),
    },
    readFromAccountId: '111122223333',
    roleName: 'OrganizationAccountAccessRole',
    accountListing: { status: 'ok', value: { count: 4 }, evidence: ev('ListAccounts') },
    accounts: [
      {
        id: '111122223333',
        arn: 'a1',
        name: 'management',
        state: 'ACTIVE',
        path: path(root),
        coverage: { status: 'read', via: 'caller' },
      },
      {
        id: '222233334444',
        arn: 'a2',
        name: 'workload-prod',
        state: 'ACTIVE',
        path: path(root, workloads, prod),
        coverage: {
          status: 'read',
          via: 'role',
          roleArn: 'arn:aws:iam::222233334444:role/OrganizationAccountAccessRole',
        },
      },
      {
        id: '333344445555',
        arn: 'a3',
        name: 'retired',
        state: 'SUSPENDED',
        path: path(root),
        coverage: {
          status: 'not-read',
          reason: 'suspended',
          detail: 'State is SUSPENDED: the account cannot be signed in to',
        },
      },
      {
        id: '444455556666',
        arn: 'a4',
        name: 'no-role',
        state: 'ACTIVE',
        path: path(root, workloads),
        coverage: {
          status: 'gap',
          roleArn: 'arn:aws:iam::444455556666:role/OrganizationAccountAccessRole',
          gap: {
            status: 'denied',
            errorCode: 'AccessDenied',
            message: 'not authorized',
            evidence: { ...ev('AssumeRole', 'rid-assume-1'), service: 'sts' },
          },
        },
      },
    ],
    roots: {
      status: 'ok',
      value: [
        {
          id: 'r-ab12',
          arn: 'ar',
          name: 'Root',
          policyTypes: [{ type: 'RESOURCE_CONTROL_POLICY', status: 'ENABLED' }],
        },
      ],
      evidence: ev('ListRoots'),
    },
    organizationalUnits: [
      { id: workloads.id, arn: 'ow', name: 'Workloads', parentId: 'r-ab12' },
      { id: prod.id, arn: 'op', name: 'Prod', parentId: workloads.id },
    ],
    policies: [
      {
        id: 'p-tlsonly1',
        arn: 'pa',
        name: 'tls-only',
        type: 'RESOURCE_CONTROL_POLICY',
        awsManaged: false,
        content: JSON.stringify({
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
        }),
        evidence: ev('DescribePolicy'),
      },
    ],
    attachments: [
      {
        targetId: prod.id,
        targetType: 'ORGANIZATIONAL_UNIT',
        policyType: 'RESOURCE_CONTROL_POLICY',
        result: { status: 'ok', value: { policyIds: ['p-tlsonly1'] }, evidence: ev('ListPoliciesForTarget') },
      },
    ],
    effectiveS3Policies: [],
  };
}
