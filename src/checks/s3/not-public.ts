import type { EvidenceRef, Gap } from '../../snapshot/outcome.ts';
import { DERIVED, describeGap, isDerived } from '../../snapshot/outcome.ts';
import type { AccountSnapshot, BucketSnapshot } from '../../snapshot/model.ts';
import type { CheckDefinition, EvaluationContext } from '../types.ts';
import {
  bucketProbes,
  bucketRcps,
  denialEvidence,
  denialProse,
  statementsProse,
  unlessRcpUnknown,
} from '../policy/bucket-policy.ts';
import { ANONYMOUS_PROBES } from '../policy/probes.ts';
import { dedupe, forEachBucket, listProse, verdict, type BucketJudge, type Verdict } from '../support.ts';
import { effectiveFlag } from './effective-block.ts';

const ID = 's3.not-public';

const PUBLIC_GROUPS: Record<string, string> = {
  'http://acs.amazonaws.com/groups/global/AllUsers': 'AllUsers',
  'http://acs.amazonaws.com/groups/global/AuthenticatedUsers': 'AuthenticatedUsers',
};

/**
 * Which public access a judgement is about: any, or only reading (objects, the listing, the policy)
 * or only writing (uploads, deletes, policy and ACL changes). AWS Config's managed rules judge
 * public read and public write separately; `s3.not-public` judges both.
 */
export type PublicAccessScope = 'any' | 'read' | 'write';

const READ_ACTIONS: ReadonlySet<string> = new Set(['s3:GetObject', 's3:ListBucket', 's3:GetBucketPolicy']);
const READ_PERMISSIONS: ReadonlySet<string> = new Set(['READ', 'READ_ACP', 'FULL_CONTROL']);
const WRITE_PERMISSIONS: ReadonlySet<string> = new Set(['WRITE', 'WRITE_ACP', 'FULL_CONTROL']);

function inScope(scope: PublicAccessScope, action: string): boolean {
  return scope === 'any' || (scope === 'read') === READ_ACTIONS.has(action);
}

function grantInScope(scope: PublicAccessScope, permission: string): boolean {
  if (scope === 'any') return true;
  return (scope === 'read' ? READ_PERMISSIONS : WRITE_PERMISSIONS).has(permission);
}

/** One route to public access (policy or ACL) and what we know about it. */
interface Side {
  state: 'public' | 'not-public' | 'unknown';
  /** A clause for the reason. */
  text: string;
  evidence: EvidenceRef[];
}

function gapSide(what: string, gap: Gap, evidence: EvidenceRef[]): Side {
  return { state: 'unknown', text: `${what} is unknown because ${describeGap(gap)}`, evidence };
}

/** Policy route: IsPublic from S3, cross-checked with our anonymous probe, then RestrictPublicBuckets. */
function policySide(
  bucket: BucketSnapshot,
  account: AccountSnapshot,
  ctx: EvaluationContext,
  scope: PublicAccessScope,
): Side {
  const policy = bucket.policy;
  if (policy.status === 'denied' || policy.status === 'error')
    return gapSide('the bucket policy', policy, [policy.evidence]);
  if (policy.status === 'absent')
    return { state: 'not-public', text: 'there is no bucket policy', evidence: [policy.evidence] };
  const status = bucket.policyStatus;
  if (isDerived(status, DERIVED.denyOnlyPolicy))
    return {
      state: 'not-public',
      text: 'the bucket policy has only Deny statements, so it grants nothing',
      evidence: [policy.evidence],
    };
  const evidence: EvidenceRef[] = [policy.evidence, status.evidence];
  const awsPublic = status.status === 'ok' ? status.value.isPublic : undefined;
  const probes = bucketProbes(bucket, ctx, 'the bucket policy');
  const allowed =
    probes.kind === 'probes'
      ? ANONYMOUS_PROBES.filter((p) => inScope(scope, p.action))
          .map((p) => probes.get(p.name))
          .filter((o) => o?.decision === 'allowed')
      : [];
  const probePublic = probes.kind === 'probes' ? allowed.length > 0 : undefined;
  const probeStatements = [...new Set(allowed.flatMap((o) => o?.statements ?? []))];
  const probeText = probePublic
    ? `our anonymous probe is allowed by ${statementsProse({ decision: 'allowed', statements: probeStatements })}`
    : 'our anonymous probe is denied';
  let note = '';
  if (scope === 'any' && awsPublic !== undefined && probePublic !== undefined && awsPublic !== probePublic) {
    note = ` (S3 reports IsPublic ${String(awsPublic)} but ${probeText}; S3's verdict is used; see Cross-checks)`;
  }
  // S3's IsPublic does not say whether reading or writing is open; for one of them the probe decides.
  const isPublic =
    scope === 'any' || probePublic === undefined
      ? (awsPublic ?? (probePublic === true ? true : undefined))
      : probePublic;
  if (isPublic === undefined) {
    if (status.status === 'denied' || status.status === 'error')
      return gapSide('the policy status', status, evidence);
    return {
      state: 'unknown',
      text: 'whether the bucket policy is public could not be determined',
      evidence,
    };
  }
  const source =
    scope !== 'any' && probePublic !== undefined
      ? probeText
      : awsPublic !== undefined
        ? `S3 reports the policy ${awsPublic ? 'public' : 'not public'}`
        : `S3's policy status is unavailable but ${probeText}`;
  if (!isPublic) return { state: 'not-public', text: `${source}${note}`, evidence };
  const restrict = effectiveFlag(bucket, account, 'restrictPublicBuckets');
  if (!restrict.known)
    return gapSide(
      `${source}${note} and whether RestrictPublicBuckets neutralizes it`,
      restrict.gap,
      dedupe([...evidence, ...restrict.evidence]),
    );
  if (restrict.on) {
    return {
      state: 'not-public',
      text: `${source}${note}, neutralized by RestrictPublicBuckets at ${restrict.level ?? 'bucket'} level`,
      evidence: dedupe([...evidence, ...restrict.evidence]),
    };
  }
  return {
    state: 'public',
    text: `${source}${note} and RestrictPublicBuckets is off at both levels`,
    evidence: dedupe([...evidence, ...restrict.evidence]),
  };
}

/** ACL route: public group grants, unless ACLs are disabled or IgnorePublicAcls is in effect. */
function aclSide(bucket: BucketSnapshot, account: AccountSnapshot, scope: PublicAccessScope): Side {
  const own = bucket.ownershipControls;
  if (own.status === 'ok' && own.value.objectOwnership === 'BucketOwnerEnforced') {
    return { state: 'not-public', text: 'ACLs are disabled (BucketOwnerEnforced)', evidence: [own.evidence] };
  }
  const ignore = effectiveFlag(bucket, account, 'ignorePublicAcls');
  if (ignore.known && ignore.on) {
    return {
      state: 'not-public',
      text: `public ACLs are ignored (IgnorePublicAcls at ${ignore.level ?? 'bucket'} level)`,
      evidence: ignore.evidence,
    };
  }
  const acl = bucket.acl;
  if (acl.status === 'denied' || acl.status === 'error')
    return gapSide('the bucket ACL', acl, [acl.evidence]);
  if (acl.status === 'absent')
    return { state: 'not-public', text: 'the bucket has no ACL', evidence: [acl.evidence] };
  const groups = [
    ...new Set(
      acl.value.grants
        .filter((g) => grantInScope(scope, g.permission))
        .map((g) => PUBLIC_GROUPS[g.grantee])
        .filter((g): g is string => g !== undefined),
    ),
  ];
  if (groups.length === 0)
    return {
      state: 'not-public',
      text: 'the ACL grants nothing to AllUsers or AuthenticatedUsers',
      evidence: [acl.evidence],
    };
  const grants = `the ACL grants access to ${listProse(groups)}`;
  if (own.status === 'denied' || own.status === 'error')
    return gapSide(`${grants}; whether ACLs are disabled`, own, [acl.evidence, own.evidence]);
  if (!ignore.known)
    return gapSide(
      `${grants}; whether IgnorePublicAcls neutralizes it`,
      ignore.gap,
      dedupe([acl.evidence, ...ignore.evidence]),
    );
  return {
    state: 'public',
    text: `${grants} and neither IgnorePublicAcls nor BucketOwnerEnforced neutralizes it`,
    evidence: dedupe([acl.evidence, own.evidence, ...ignore.evidence]),
  };
}

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Judge one bucket for one scope of public access: neither its policy nor its ACL opens it. */
export function judgePublicAccess(
  bucket: BucketSnapshot,
  account: AccountSnapshot,
  ctx: EvaluationContext,
  scope: PublicAccessScope,
): Verdict {
  const policy = policySide(bucket, account, ctx, scope);
  const acl = aclSide(bucket, account, scope);
  const evidence = dedupe([...policy.evidence, ...acl.evidence]);
  const publicSides = [policy, acl].filter((s) => s.state === 'public');
  const rcps = bucketRcps(bucket, ctx);
  if (publicSides.length > 0) {
    const opened = publicSides.map((s) => s.text).join('; and ');
    // An RCP deny binds anonymous callers too: if every anonymous request is denied, nothing is open.
    const rcpDenies = ANONYMOUS_PROBES.filter((p) => inScope(scope, p.action)).map((p) =>
      rcps.allDenies(p.name),
    );
    if (rcpDenies.every((d) => d.length > 0)) {
      const all = rcpDenies.flat();
      return verdict(
        'pass',
        `The bucket is not effectively public: ${opened}, but every anonymous request is explicitly denied by ${denialProse([], all, rcps.scope)}.`,
        dedupe([...evidence, ...denialEvidence(all, rcps.scope)]),
      );
    }
    const c = ctx.classify(bucket);
    return unlessRcpUnknown(
      verdict('fail', `The ${c.level} bucket is public: ${opened}.`, evidence),
      rcps,
      'whether the bucket is public',
    );
  }
  const unknown = [policy, acl].find((s) => s.state === 'unknown');
  if (unknown) return verdict('insufficient-evidence', `${sentence(unknown.text)}.`, evidence);
  return verdict('pass', `The bucket is not public: ${policy.text}; ${acl.text}.`, evidence);
}

/** Judge one bucket: neither its policy nor its ACL makes it effectively public (read or write). */
export const judgeNotPublic: BucketJudge = (bucket, account, ctx) =>
  judgePublicAccess(bucket, account, ctx, 'any');

/** `s3.not-public`: the bucket is not effectively public through its policy or its ACL. */
export const notPublic: CheckDefinition = {
  id: ID,
  title: 'Bucket is not public',
  severity: 'high',
  criteria: ['CC6.6', 'CC6.1'],
  description:
    'Neither a public policy (not neutralized by RestrictPublicBuckets) nor a public ACL (not neutralized by IgnorePublicAcls or BucketOwnerEnforced).',
  reads: [
    's3:GetBucketPolicy',
    's3:GetBucketPolicyStatus',
    's3:GetBucketAcl',
    's3:GetBucketOwnershipControls',
    's3:GetBucketPublicAccessBlock',
    's3control:GetPublicAccessBlock',
    'organizations:ListPoliciesForTarget',
    'organizations:DescribePolicy',
  ],
  method:
    "Per bucket: fails when the policy is public (S3's PolicyStatus IsPublic, cross-checked with anonymous read and write requests evaluated against the policy) and RestrictPublicBuckets is off at bucket and account level, or when the ACL grants AllUsers or AuthenticatedUsers and neither BucketOwnerEnforced nor IgnorePublicAcls neutralizes it; a disagreement between S3's IsPublic and the probe is listed under Cross-checks; a denied or failed read that decides the verdict is insufficient evidence. Two reads are derived, not made: a policy with only Deny statements grants nothing, so its PolicyStatus is not read and the policy is not public; with Object Ownership BucketOwnerEnforced, ACLs are disabled and do not affect access, so GetBucketAcl is not read (both recorded as absent, derived from the answer that implies them). In an organization, a bucket public by policy or ACL passes when the resource control policies in force for the account explicitly deny every anonymous probe request (the RCP is cited with where it is attached), and a fail becomes insufficient evidence when the RCPs in force cannot be read.",
  evaluate: (ctx) => forEachBucket(ID, ctx, judgeNotPublic),
};
