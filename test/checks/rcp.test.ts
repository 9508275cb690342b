/**
 * The policy probes evaluated together with the resource control policies in force for the
 * bucket's account (iam-simulate's RCP semantics): an RCP can make a bucket TLS-only or deny
 * unencrypted uploads where its own policy does not, never for the management account, and an
 * unreadable RCP listing turns a would-be fail into insufficient evidence.
 */
import { describe, expect, it } from 'vitest';
import { expectCase, runOne } from './harness.ts';
import {
  ACCOUNT,
  ALL_OFF,
  account,
  bucket,
  deniedOf,
  MANAGEMENT_ACCOUNT,
  okOf,
  organization,
  policyText,
  s3BpaPolicy,
  snapshot,
  withPolicy,
  type OrgSpec,
} from '../support/snapshot.ts';
import type { Snapshot } from '../../src/snapshot/model.ts';
import { createRcpAnalyzer } from '../../src/checks/policy/analyze-rcps.ts';
import { rcpScope } from '../../src/checks/policy/rcp.ts';

const OTHER = '444455556666';
const OU = 'ou-ab12-workload';

const TLS_ONLY_RCP = policyText([
  {
    Sid: 'EnforceSecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: ['s3:*', 'sqs:*', 'kms:*', 'sts:*', 'secretsmanager:*'],
    Resource: '*',
    Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } },
  },
]);
const SSE_KMS_RCP = policyText([
  {
    Sid: 'RequireSseKms',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:PutObject',
    Resource: '*',
    Condition: {
      StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption': ['aws:kms', 'aws:kms:dsse'] },
    },
  },
]);
/** A data perimeter: refuses every principal outside the organization, whatever the request. */
const PERIMETER_RCP = policyText([
  {
    Sid: 'OnlyOrgPrincipals',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: '*',
    Condition: {
      StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-exampleorg1' },
      BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
    },
  },
]);

function org(content: string, over: Partial<OrgSpec> = {}): OrgSpec {
  return {
    ous: [{ id: OU, name: 'Workloads' }],
    accounts: [
      { id: ACCOUNT, name: 'prod', parentId: OU },
      { id: OTHER, name: 'sandbox' },
    ],
    policies: [
      { id: 'p-tlsonly1', name: 'TlsOnly', type: 'RESOURCE_CONTROL_POLICY', content, targets: [OU] },
    ],
    ...over,
  };
}

/** One bucket named `name` in `accountId`, with the organization of `spec`. */
function estate(
  spec: OrgSpec | undefined,
  accountId = ACCOUNT,
  name = 'data',
  statements?: unknown[],
): Snapshot {
  let b = bucket(name, {
    accountId,
    tags: { status: 'absent', errorCode: 'NoSuchTagSet', evidence: bucket(name).tags.evidence },
  });
  if (statements) b = withPolicy(b, statements);
  const snap = snapshot([account({ accountId, buckets: [b] })]);
  return spec ? { ...snap, organization: organization(spec) } : snap;
}

describe('s3.tls-only with resource control policies', () => {
  it('passes a bucket with no policy under a TLS-only RCP, citing the RCP and its attachment', async () => {
    await expectCase('s3.tls-only', {
      name: 'rcp',
      snapshot: () => estate(org(TLS_ONLY_RCP)),
      status: 'pass',
      reason: [
        'no bucket policy',
        'resource control policy p-tlsonly1 "TlsOnly"',
        'Sid "EnforceSecureTransport"',
        `attached to OU "Workloads" (${OU})`,
      ],
    });
  });

  it('cites the DescribePolicy call of the RCP as evidence', async () => {
    const [f] = await runOne('s3.tls-only', estate(org(TLS_ONLY_RCP)));
    expect(f?.evidence.map((e) => e.operation)).toEqual(['GetBucketPolicy', 'DescribePolicy']);
  });

  it('fails the same bucket in an account outside the OU', async () => {
    await expectCase('s3.tls-only', {
      name: 'outside',
      snapshot: () => estate(org(TLS_ONLY_RCP), OTHER),
      status: 'fail',
      reason: ['no bucket policy', 'No resource control policy in force denies them either'],
    });
  });

  it('credits an RCP attached to the root or to the account itself', async () => {
    for (const target of ['r-ab12', OTHER]) {
      const spec = org(TLS_ONLY_RCP);
      spec.policies = [
        {
          id: 'p-tlsonly1',
          name: 'TlsOnly',
          type: 'RESOURCE_CONTROL_POLICY',
          content: TLS_ONLY_RCP,
          targets: [target],
        },
      ];
      const [f] = await runOne('s3.tls-only', estate(spec, OTHER));
      expect(f?.status, f?.reason).toBe('pass');
      expect(f?.reason).toContain(
        target === OTHER ? `attached to account ${OTHER} ("sandbox")` : 'attached to the root (r-ab12)',
      );
    }
  });

  it('does not credit an RCP to the management account, to which RCPs never apply', async () => {
    const spec = org(TLS_ONLY_RCP);
    spec.policies = [
      {
        id: 'p-tlsonly1',
        name: 'TlsOnly',
        type: 'RESOURCE_CONTROL_POLICY',
        content: TLS_ONLY_RCP,
        targets: ['r-ab12'],
      },
    ];
    const [f] = await runOne('s3.tls-only', estate(spec, MANAGEMENT_ACCOUNT));
    expect(f?.status).toBe('fail');
    expect(f?.reason).not.toContain('resource control policy p-');
  });

  it('is insufficient evidence, not fail, when the RCP listing of an OU on the path was refused', async () => {
    await expectCase('s3.tls-only', {
      name: 'gap',
      snapshot: () => estate(org(TLS_ONLY_RCP, { deniedListings: [OU] })),
      status: 'insufficient-evidence',
      reason: [
        'no bucket policy',
        `resource control policies in force for account ${ACCOUNT} are unknown`,
        'ListPoliciesForTarget',
      ],
    });
  });

  it('still passes on the bucket policy alone when the RCP listing was refused', async () => {
    const denyHttp = {
      Sid: 'DenyHttp',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: ['arn:aws:s3:::data', 'arn:aws:s3:::data/*'],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    };
    const [f] = await runOne(
      's3.tls-only',
      estate(org(TLS_ONLY_RCP, { deniedListings: [OU] }), ACCOUNT, 'data', [denyHttp]),
    );
    expect(f?.status).toBe('pass');
  });

  it('combines a bucket policy that denies only GetObject with an RCP that denies the rest', async () => {
    const rcp = policyText([
      {
        Sid: 'DenyHttpWrites',
        Effect: 'Deny',
        Principal: '*',
        Action: ['s3:PutObject', 's3:ListBucket'],
        Resource: '*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
    const getOnly = {
      Sid: 'DenyHttpGet',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::data/*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    };
    const [f] = await runOne('s3.tls-only', estate(org(rcp), ACCOUNT, 'data', [getOnly]));
    expect(f?.status, f?.reason).toBe('pass');
    expect(f?.reason).toContain(
      'Sid "DenyHttpGet" of the bucket policy and resource control policy p-tlsonly1',
    );
    const [alone] = await runOne('s3.tls-only', estate(undefined, ACCOUNT, 'data', [getOnly]));
    expect(alone?.status).toBe('fail');
  });

  it('does not count a perimeter RCP that refuses the outside principal whatever its transport', async () => {
    const [f] = await runOne('s3.tls-only', estate(org(PERIMETER_RCP)));
    expect(f?.status).toBe('fail');
  });

  it('honours an RCP scoped to other buckets only', async () => {
    const scoped = TLS_ONLY_RCP.replace(
      '"Resource":"*"',
      '"Resource":["arn:aws:s3:::logs-*","arn:aws:s3:::logs-*/*"]',
    );
    expect(scoped).not.toBe(TLS_ONLY_RCP);
    const [data] = await runOne('s3.tls-only', estate(org(scoped), ACCOUNT, 'data'));
    expect(data?.status).toBe('fail');
    const [logs] = await runOne('s3.tls-only', estate(org(scoped), ACCOUNT, 'logs-central'));
    expect(logs?.status).toBe('pass');
  });
});

describe('s3.deny-unencrypted-put with resource control policies', () => {
  it('passes a sensitive bucket with no policy under an RCP that denies uploads without SSE-KMS', async () => {
    await expectCase('s3.deny-unencrypted-put', {
      name: 'rcp',
      snapshot: () => estate(org(SSE_KMS_RCP)),
      status: 'pass',
      reason: [
        'no bucket policy',
        'resource control policy p-tlsonly1 "TlsOnly" (Sid "RequireSseKms")',
        `OU "Workloads"`,
      ],
    });
  });

  it('fails it outside the OU, and is insufficient evidence when the listing was refused', async () => {
    const [outside] = await runOne('s3.deny-unencrypted-put', estate(org(SSE_KMS_RCP), OTHER));
    expect(outside?.status).toBe('fail');
    const [gap] = await runOne('s3.deny-unencrypted-put', estate(org(SSE_KMS_RCP, { deniedListings: [OU] })));
    expect(gap?.status).toBe('insufficient-evidence');
  });

  it('does not count a perimeter RCP as encryption enforcement', async () => {
    const [f] = await runOne('s3.deny-unencrypted-put', estate(org(PERIMETER_RCP)));
    expect(f?.status).toBe('fail');
  });
});

describe('s3.account-public-access-block under an organization S3 policy', () => {
  const S3_ALL = s3BpaPolicy('all');
  const s3Org = (targets: string[]): OrgSpec => ({
    ...org(TLS_ONLY_RCP),
    policies: [{ id: 'p-s3bpa0001', name: 'BlockPublicAccess', type: 'S3_POLICY', content: S3_ALL, targets }],
  });
  const withOrg = (spec: OrgSpec, over: Parameters<typeof account>[0] = {}): Snapshot => ({
    ...snapshot([account(over)]),
    organization: organization(spec),
  });

  it('says the settings are enforced by the S3 policy and where it is attached', async () => {
    const [f] = await runOne('s3.account-public-access-block', withOrg(s3Org(['r-ab12'])));
    expect(f?.status).toBe('pass');
    expect(f?.reason).toContain(
      'enforced by organization S3 policy p-s3bpa0001 "BlockPublicAccess" attached to the root (r-ab12)',
    );
    expect(f?.evidence.map((e) => e.operation)).toEqual([
      'GetPublicAccessBlock',
      'DescribeEffectivePolicy',
      'DescribePolicy',
    ]);
  });

  it('passes on the enforcing S3 policy when the account read itself was refused', async () => {
    const snap = withOrg(s3Org([OU]), {
      accountPublicAccessBlock: deniedOf('GetPublicAccessBlock', 's3control'),
    });
    const [f] = await runOne('s3.account-public-access-block', snap);
    expect(f?.status).toBe('pass');
    expect(f?.reason).toContain(`OU "Workloads" (${OU})`);
    const [plain] = await runOne('s3.account-public-access-block', { ...snap, organization: undefined });
    expect(plain?.status).toBe('insufficient-evidence');
  });

  it('says nothing of an S3 policy attached elsewhere', async () => {
    const spec = s3Org([OTHER]);
    const [f] = await runOne('s3.account-public-access-block', withOrg(spec));
    expect(f?.reason).toBe('All four account-level Block Public Access settings are on.');
  });

  it('names an S3 policy that turns the settings off', async () => {
    const spec = s3Org(['r-ab12']);
    const none = s3BpaPolicy('none');
    spec.policies = [
      { id: 'p-s3bpa0002', name: 'AllowPublic', type: 'S3_POLICY', content: none, targets: ['r-ab12'] },
    ];
    const [f] = await runOne(
      's3.account-public-access-block',
      withOrg(spec, { accountPublicAccessBlock: okOf(ALL_OFF, 'GetPublicAccessBlock', 's3control') }),
    );
    expect(f?.status).toBe('fail');
    expect(f?.reason).toContain(
      'Organization S3 policy p-s3bpa0002 "AllowPublic" attached to the root (r-ab12) sets public_access_block_configuration "none"',
    );
  });

  it('names the exemption and the organization-wide policy it overrides', async () => {
    const spec = s3Org(['r-ab12']);
    const none = s3BpaPolicy('none');
    spec.policies = [
      ...(spec.policies ?? []),
      { id: 'p-s3bpa0003', name: 'WebsiteExemption', type: 'S3_POLICY', content: none, targets: [ACCOUNT] },
    ];
    const [f] = await runOne(
      's3.account-public-access-block',
      withOrg(spec, { accountPublicAccessBlock: okOf(ALL_OFF, 'GetPublicAccessBlock', 's3control') }),
    );
    expect(f?.status).toBe('fail');
    expect(f?.reason).toContain(
      'Organization S3 policy p-s3bpa0003 "WebsiteExemption" attached to the account itself sets public_access_block_configuration "none", overriding organization S3 policy p-s3bpa0001 "BlockPublicAccess" attached to the root (r-ab12) ("all"): the organization turns all four off',
    );
    // Both policies are cited: the exemption and the one it overrides.
    expect(f?.evidence.filter((e) => e.operation === 'DescribePolicy')).toHaveLength(2);
  });
});

describe('s3.sse-c-blocked with resource control policies', () => {
  const DENY_SSE_C = policyText([
    {
      Sid: 'DenySseC',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:PutObject',
      Resource: '*',
      Condition: { Null: { 's3:x-amz-server-side-encryption-customer-algorithm': 'false' } },
    },
  ]);

  it('passes a sensitive bucket under an RCP that denies SSE-C uploads, and fails it outside the OU', async () => {
    const [inside] = await runOne('s3.sse-c-blocked', estate(org(DENY_SSE_C)));
    expect(inside?.status, inside?.reason).toBe('pass');
    expect(inside?.reason).toContain('resource control policy p-tlsonly1 "TlsOnly" (Sid "DenySseC")');
    const [outside] = await runOne('s3.sse-c-blocked', estate(org(DENY_SSE_C), OTHER));
    expect(outside?.status).toBe('fail');
    const [gap] = await runOne('s3.sse-c-blocked', estate(org(DENY_SSE_C, { deniedListings: [OU] })));
    expect(gap?.status).toBe('insufficient-evidence');
  });
});

describe('s3.not-public with resource control policies', () => {
  const publicRead = {
    Sid: 'PublicRead',
    Effect: 'Allow',
    Principal: '*',
    Action: 's3:GetObject',
    Resource: 'arn:aws:s3:::site/*',
  };
  function publicEstate(spec: OrgSpec, accountId = ACCOUNT): Snapshot {
    const b = withPolicy(
      bucket('site', { accountId, publicAccessBlock: okOf(ALL_OFF, 'GetPublicAccessBlock') }),
      [publicRead],
      true,
    );
    const snap = snapshot([
      account({
        accountId,
        buckets: [b],
        accountPublicAccessBlock: okOf(ALL_OFF, 'GetPublicAccessBlock', 's3control'),
      }),
    ]);
    return { ...snap, organization: organization(spec) };
  }

  it('passes a public-policy bucket when an RCP in force denies every anonymous request', async () => {
    const [f] = await runOne('s3.not-public', publicEstate(org(PERIMETER_RCP)));
    expect(f?.status, f?.reason).toBe('pass');
    expect(f?.reason).toContain(
      'every anonymous request is explicitly denied by resource control policy p-tlsonly1 "TlsOnly" (Sid "OnlyOrgPrincipals")',
    );
  });

  it('fails it outside the OU, and is insufficient evidence when the RCP listing was refused', async () => {
    const [outside] = await runOne('s3.not-public', publicEstate(org(PERIMETER_RCP), OTHER));
    expect(outside?.status).toBe('fail');
    const [gap] = await runOne('s3.not-public', publicEstate(org(PERIMETER_RCP, { deniedListings: [OU] })));
    expect(gap?.status).toBe('insufficient-evidence');
  });

  it('fails it under a TLS-only RCP, which leaves anonymous requests over TLS open', async () => {
    const [f] = await runOne('s3.not-public', publicEstate(org(TLS_ONLY_RCP)));
    expect(f?.status).toBe('fail');
  });
});

describe('RCP analysis', () => {
  it('simulates an RCP set once for the buckets of an account when the RCPs do not depend on the name', async () => {
    const snap = estate(org(TLS_ONLY_RCP));
    const scope = rcpScope(snap.organization, ACCOUNT);
    const analyzer = createRcpAnalyzer();
    const a = await analyzer.analyze(bucket('alpha'), scope);
    const b = await analyzer.analyze(bucket('beta'), scope);
    expect(a?.kind).toBe('analyzed');
    expect(b).toBe(a);
    const scoped = TLS_ONLY_RCP.replace('"Resource":"*"', '"Resource":"arn:aws:s3:::alpha*"');
    const named = rcpScope(estate(org(scoped)).organization, ACCOUNT);
    const c = await analyzer.analyze(bucket('alpha'), named);
    const d = await analyzer.analyze(bucket('beta'), named);
    expect(d).not.toBe(c);
    const denied = (r: typeof c) =>
      r?.kind === 'analyzed' ? r.probes['http-get-object']?.decision : undefined;
    expect([denied(c), denied(d)]).toEqual(['explicit-deny', 'not-denied']);
  });

  it('has nothing to analyze without a custom RCP, and none applies to the management account', async () => {
    const analyzer = createRcpAnalyzer();
    const spec = org(TLS_ONLY_RCP, { policies: [] });
    expect(await analyzer.analyze(bucket('alpha'), rcpScope(organization(spec), ACCOUNT))).toBeUndefined();
    expect(rcpScope(organization(org(TLS_ONLY_RCP)), MANAGEMENT_ACCOUNT)).toEqual({ kind: 'none' });
    expect(rcpScope(undefined, ACCOUNT)).toEqual({ kind: 'none' });
  });
});
