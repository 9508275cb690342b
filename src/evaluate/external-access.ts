/**
 * Who outside the owner's account a resource policy lets in. Every AWS principal a policy's Allow
 * statements name (an account, a role or user ARN) is simulated with `@cloud-copilot/iam-simulate`
 * against a fixed set of actions; a `"*"` principal conditioned on `aws:PrincipalOrgID` is simulated
 * once per organization id the statement names, as a principal of that organization. The result
 * lists every grant with its principal, actions and deciding statements; which of them are
 * external (outside the accounts in scope, not trusted) is the checks' decision.
 */
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { PROBE_ACCOUNT, PROBE_OBJECT_KEY, PROBE_SOURCE_IP } from '../checks/policy/probes.ts';
import type { ExternalAccessResults, ExternalGrant } from '../checks/policy/types.ts';
import { analysisOf, statementLabel } from './analyze-policies.ts';

/** The actions simulated per principal on a bucket (object actions on a probe object). */
export const BUCKET_ACTIONS = [
  's3:GetObject',
  's3:PutObject',
  's3:DeleteObject',
  's3:PutObjectAcl',
  's3:ListBucket',
  's3:GetBucketPolicy',
  's3:PutBucketPolicy',
  's3:PutBucketAcl',
  's3:DeleteBucket',
] as const;

/** The actions simulated per principal on a key. */
export const KEY_ACTIONS = [
  'kms:Decrypt',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:ReEncryptFrom',
  'kms:CreateGrant',
  'kms:DescribeKey',
  'kms:PutKeyPolicy',
  'kms:ScheduleKeyDeletion',
  'kms:DisableKey',
] as const;

const OBJECT_ACTIONS = new Set(['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:PutObjectAcl']);

/** A principal to simulate: an ARN of another account, or an organization's arbitrary member. */
interface Candidate {
  principal: string;
  principalArn: string;
  accountId: string;
  orgId?: string | undefined;
}

type Json = Record<string, unknown>;

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** The organization ids an `aws:PrincipalOrgID` condition of the statement names (any operator). */
function orgIdsOf(condition: unknown): string[] {
  if (!condition || typeof condition !== 'object') return [];
  const ids: string[] = [];
  for (const block of Object.values(condition as Json)) {
    if (!block || typeof block !== 'object') continue;
    for (const [key, value] of Object.entries(block as Json)) {
      if (key.toLowerCase() === 'aws:principalorgid')
        ids.push(...asList(value).filter((x): x is string => typeof x === 'string'));
    }
  }
  return ids;
}

/** Every principal of another account that an Allow statement names, deduplicated. */
export function candidatesOf(doc: unknown, ownerAccountId: string): Candidate[] {
  const statements = asList((doc as Json | null)?.['Statement']);
  const found = new Map<string, Candidate>();
  for (const st of statements) {
    if (!st || typeof st !== 'object') continue;
    const s = st as Json;
    if (s['Effect'] !== 'Allow' || s['Principal'] === undefined) continue;
    const principal = s['Principal'];
    const aws =
      principal === '*'
        ? ['*']
        : asList((principal as Json | null)?.['AWS']).filter((x) => typeof x === 'string');
    for (const p of aws as string[]) {
      if (p === '*') {
        for (const orgId of orgIdsOf(s['Condition'])) {
          found.set(`org:${orgId}`, {
            principal: `any principal of organization ${orgId}`,
            principalArn: `arn:aws:iam::${PROBE_ACCOUNT}:role/evidence-pack-probe`,
            accountId: PROBE_ACCOUNT,
            orgId,
          });
        }
        continue;
      }
      const account = /^\d{12}$/.test(p) ? p : /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(p)?.[1];
      if (!account || account === ownerAccountId) continue;
      const isAccount = /^\d{12}$/.test(p) || /:root$/.test(p);
      found.set(p, {
        principal: isAccount ? `account ${account}` : p,
        principalArn: isAccount ? `arn:aws:iam::${account}:role/evidence-pack-probe` : p,
        accountId: account,
      });
    }
  }
  return [...found.values()];
}

/**
 * Simulate every candidate principal against `actions` on `resourceArn` and return the grants.
 * `objectArn` is used for object-level S3 actions.
 */
export async function analyzeExternalAccess(
  text: string,
  target: { kind: 'bucket' | 'key'; arn: string; accountId: string },
): Promise<ExternalAccessResults> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { kind: 'invalid', message: `the policy is not valid JSON (${(err as Error).message})` };
  }
  const actions: readonly string[] = target.kind === 'bucket' ? BUCKET_ACTIONS : KEY_ACTIONS;
  const grants: ExternalGrant[] = [];
  for (const c of candidatesOf(doc, target.accountId)) {
    const allowed: string[] = [];
    const statements = new Set<string>();
    for (const action of actions) {
      const resource =
        target.kind === 'bucket' && OBJECT_ACTIONS.has(action)
          ? `${target.arn}/${PROBE_OBJECT_KEY}`
          : target.arn;
      const simulation: Simulation = {
        request: {
          principal: c.principalArn,
          action,
          resource: { resource, accountId: target.accountId },
          contextVariables: {
            'aws:PrincipalArn': c.principalArn,
            'aws:PrincipalAccount': c.accountId,
            'aws:SecureTransport': 'true',
            'aws:SourceIp': PROBE_SOURCE_IP,
            'kms:CallerAccount': c.accountId,
            ...(c.orgId ? { 'aws:PrincipalOrgID': c.orgId } : {}),
            ...(action === 's3:PutObject' ? { 's3:x-amz-server-side-encryption': 'aws:kms' } : {}),
          },
        },
        identityPolicies: [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: doc,
      };
      let result;
      try {
        result = await runSimulation(simulation, { simulationMode: 'Strict' });
      } catch (err) {
        return { kind: 'invalid', message: `the policy could not be evaluated (${(err as Error).message})` };
      }
      if (result.resultType === 'error') return { kind: 'invalid', message: result.errors.message };
      const res = analysisOf(result)?.resourceAnalysis;
      // AllowedForAccount: the policy grants the account, whose administrators can delegate it on.
      if (res?.result !== 'Allowed' && res?.result !== 'AllowedForAccount') continue;
      allowed.push(action);
      for (const s of res.allowStatements) statements.add(statementLabel(s.statement));
    }
    if (allowed.length > 0)
      grants.push({
        principal: c.principal,
        ...(c.orgId ? { orgId: c.orgId } : { accountId: c.accountId }),
        actions: allowed,
        statements: [...statements],
      });
  }
  return { kind: 'analyzed', grants };
}
