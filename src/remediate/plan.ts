import { isDeepStrictEqual } from 'node:util';
import type { BucketSnapshot, EncryptionRule } from '../snapshot/model.ts';
import {
  indexFacts,
  type EncryptionChange,
  type Intent,
  type PolicyStatement,
  type RemediationFacts,
} from './intents.ts';
import { intentFor } from './registry.ts';
import {
  PLAN_SCHEMA,
  type FindingRef,
  type PlanCall,
  type RemediationPlan,
  type RemediationStep,
} from './types.ts';

const ALL_BLOCKED = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

/** Names that can reach a command line; anything else in a pack is refused, not quoted and hoped for. */
const SAFE = {
  bucket: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  account: /^\d{12}$/,
  region: /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/,
  keyArn: /^arn:aws[a-z-]*:kms:[a-z]{2}(-[a-z]+)+-\d{1,2}:\d{12}:key\/[A-Za-z0-9-]{1,64}$/,
};

interface Group {
  key: string;
  order: [string, string, string, number];
  intents: Intent[];
  fixes: FindingRef[];
}

const KIND_ORDER: Record<Intent['kind'], number> = {
  'account-public-access-block': 0,
  'bucket-encryption': 1,
  // A policy is merged before Block Public Access goes on: with BlockPublicPolicy set, S3 refuses
  // a policy that still has a public statement, even one carried over unchanged.
  'bucket-policy': 2,
  'bucket-public-access-block': 3,
  'bucket-inventory': 4,
  'object-encryption': 5,
  'key-rotation': 6,
  manual: 7,
};

/** Where an intent applies: changes to the same target merge into one call. */
function targetOf(intent: Intent, finding: FindingRef): { key: string; order: Group['order'] } {
  const o = KIND_ORDER[intent.kind];
  switch (intent.kind) {
    case 'account-public-access-block':
      // Last in its account, for the same reason as bucket Block Public Access after the policies.
      return {
        key: `${intent.kind}:${intent.account.accountId}`,
        order: [intent.account.accountId, '\uffff', '', o],
      };
    case 'key-rotation':
      return {
        key: `${intent.kind}:${intent.keyArn}`,
        order: [intent.key.accountId, intent.key.region, intent.keyArn, o],
      };
    case 'manual':
      return {
        key: `manual:${finding.checkId}:${finding.resourceArn}`,
        order: ['\uffff', finding.resourceName, finding.checkId, o],
      };
    default:
      return {
        key: `${intent.kind}:${intent.bucket.arn}`,
        order: [intent.bucket.accountId, intent.bucket.region, intent.bucket.name, o],
      };
  }
}

function compareOrder(a: Group['order'], b: Group['order']): number {
  for (let i = 0; i < 3; i++) {
    const c = (a[i] as string).localeCompare(b[i] as string);
    if (c !== 0) return c;
  }
  return a[3] - b[3];
}

/**
 * The plan for a pack's failing findings: one step per resource and kind of change (two findings
 * about one bucket's encryption become one PutBucketEncryption), in a stable order.
 */
export function buildPlan(
  runId: string,
  failing: readonly FindingRef[],
  facts: RemediationFacts,
): RemediationPlan {
  const groups = new Map<string, Group>();
  const indexed = indexFacts(facts);
  for (const finding of failing) {
    const intent = intentFor(finding, indexed);
    const { key, order } = targetOf(intent, finding);
    const group = groups.get(key) ?? { key, order, intents: [], fixes: [] };
    group.intents.push(intent);
    group.fixes.push(finding);
    groups.set(key, group);
  }
  const steps = [...groups.values()]
    .sort((a, b) => compareOrder(a.order, b.order))
    .map((g): RemediationStep => ({ fixes: g.fixes, ...stepFor(g.intents) }));
  return { schema: PLAN_SCHEMA, runId, steps };
}

type StepBody = Pick<RemediationStep, 'summary' | 'call'>;

const manualStep = (summary: string): StepBody => ({ summary });

function unsafeName(bucket: BucketSnapshot): string | undefined {
  if (!SAFE.bucket.test(bucket.name)) return 'its name is not a valid S3 bucket name';
  if (!SAFE.account.test(bucket.accountId)) return 'its account id is not 12 digits';
  if (!SAFE.region.test(bucket.region)) return 'its region is not a region name';
  return undefined;
}

function stepFor(intents: Intent[]): StepBody {
  const first = intents[0];
  if (!first) return manualStep('Nothing to do.');
  switch (first.kind) {
    case 'manual':
      return manualStep([...new Set(intents.map((i) => (i.kind === 'manual' ? i.text : '')))].join(' '));
    case 'account-public-access-block': {
      const accountId = first.account.accountId;
      if (!SAFE.account.test(accountId))
        return manualStep('The account id in the pack is not 12 digits; not scripted.');
      return {
        summary: `Turn on all four account-level Block Public Access settings of ${accountId}.`,
        call: {
          service: 's3control',
          operation: 'PutPublicAccessBlock',
          accountId,
          region: 'us-east-1',
          input: { AccountId: accountId, PublicAccessBlockConfiguration: ALL_BLOCKED },
        },
      };
    }
    case 'key-rotation': {
      const region = first.key.region;
      const accountId = first.keyArn.split(':')[4] ?? '';
      if (!SAFE.keyArn.test(first.keyArn) || !SAFE.region.test(region))
        return manualStep('The key ARN in the pack is not a KMS key ARN; not scripted.');
      return {
        summary: `Enable automatic rotation of ${first.keyArn} every ${first.periodInDays} days.`,
        call: {
          service: 'kms',
          operation: 'EnableKeyRotation',
          accountId,
          region,
          input: { KeyId: first.keyArn, RotationPeriodInDays: first.periodInDays },
        },
      };
    }
    default:
      break;
  }
  const bucket = first.bucket;
  const unsafe = unsafeName(bucket);
  if (unsafe) return manualStep(`The bucket ${JSON.stringify(bucket.name)} is not scripted: ${unsafe}.`);
  const call = (operation: string, input: Record<string, unknown>): PlanCall => ({
    service: 's3',
    operation,
    accountId: bucket.accountId,
    region: bucket.region,
    input: { Bucket: bucket.name, ...input },
  });
  switch (first.kind) {
    case 'bucket-public-access-block':
      return {
        summary: `Turn on all four Block Public Access settings of ${bucket.name} (S3 then ignores public ACLs and restricts public policies).`,
        call: call('PutPublicAccessBlock', { PublicAccessBlockConfiguration: ALL_BLOCKED }),
      };
    case 'bucket-encryption':
      return encryptionStep(bucket, intents, call);
    case 'bucket-policy':
      return policyStep(bucket, intents, call);
    case 'bucket-inventory':
      return {
        summary: `Add a daily S3 Inventory of ${bucket.name} that includes EncryptionStatus, delivered to the bucket itself under inventory/ (point it at your inventory bucket if you have one; it needs a policy letting s3.amazonaws.com write).`,
        call: call('PutBucketInventoryConfiguration', {
          Id: 'evidence-pack-encryption',
          InventoryConfiguration: {
            Id: 'evidence-pack-encryption',
            IsEnabled: true,
            IncludedObjectVersions: 'Current',
            Schedule: { Frequency: 'Daily' },
            OptionalFields: ['EncryptionStatus', 'BucketKeyStatus'],
            Destination: {
              S3BucketDestination: {
                AccountId: bucket.accountId,
                Bucket: `arn:aws:s3:::${bucket.name}`,
                Format: 'CSV',
                Prefix: 'inventory',
              },
            },
          },
        }),
      };
    case 'object-encryption':
      return manualStep(
        `Re-encrypt the objects of ${bucket.name} that are not on SSE-KMS with ${first.kmsKeyArn}: per object, aws s3api update-object-encryption --bucket ${bucket.name} --key <key> --object-encryption '{"SSEKMS":{"KMSKeyArn":"${first.kmsKeyArn}"}}'; for many objects, an S3 Batch Operations job over the latest inventory report.`,
      );
    default:
      return manualStep('Nothing to do.');
  }
}

/** The blocked encryption types a collected rule carries (none when S3 returned no element). */
function blockedTypesOf(rule: EncryptionRule | undefined): string[] {
  return [...(rule?.blockedEncryptionTypes ?? [])];
}

function encryptionStep(
  bucket: BucketSnapshot,
  intents: Intent[],
  call: (operation: string, input: Record<string, unknown>) => PlanCall,
): StepBody {
  const enc = bucket.encryption;
  if (enc.status === 'denied' || enc.status === 'error') {
    return manualStep(
      `The current default encryption of ${bucket.name} could not be read; PutBucketEncryption replaces the whole configuration, so it is not scripted. Read it, then set SSE-KMS with a customer managed key keeping its BlockedEncryptionTypes.`,
    );
  }
  const change: EncryptionChange = {};
  for (const i of intents)
    if (i.kind === 'bucket-encryption')
      Object.assign(change, Object.fromEntries(Object.entries(i.change).filter(([, v]) => v !== undefined)));
  const base = enc.status === 'ok' ? enc.value.rules[0] : undefined;
  const algorithm = change.kmsKeyArn
    ? base?.sseAlgorithm === 'aws:kms:dsse'
      ? 'aws:kms:dsse'
      : 'aws:kms'
    : (base?.sseAlgorithm ?? 'AES256');
  const keyId = change.kmsKeyArn ?? (algorithm === 'AES256' ? undefined : base?.kmsMasterKeyId);
  const bucketKey =
    algorithm === 'aws:kms'
      ? Boolean(change.bucketKey || change.kmsKeyArn || base?.bucketKeyEnabled)
      : (base?.bucketKeyEnabled ?? false);
  const blocked = [
    ...new Set([
      ...blockedTypesOf(base).filter((t) => !(change.blockSseC && t === 'NONE')),
      ...(change.blockSseC ? ['SSE-C'] : []),
    ]),
  ];
  const what = [
    change.kmsKeyArn
      ? `SSE-KMS (${algorithm}) with the customer managed key ${change.kmsKeyArn} (an enabled key of the same account and region without findings; choose another if this data needs its own)`
      : `${algorithm} as today`,
    algorithm === 'aws:kms' && bucketKey ? 'S3 Bucket Key on' : '',
    blocked.length ? `BlockedEncryptionTypes ${blocked.join(', ')} kept or set` : '',
  ].filter(Boolean);
  return {
    summary: `Set the default encryption of ${bucket.name}: ${what.join('; ')}. The call replaces the whole configuration, so the existing settings are carried over.`,
    call: call('PutBucketEncryption', {
      ServerSideEncryptionConfiguration: {
        Rules: [
          {
            ApplyServerSideEncryptionByDefault: {
              SSEAlgorithm: algorithm,
              ...(keyId ? { KMSMasterKeyID: keyId } : {}),
            },
            BucketKeyEnabled: bucketKey,
            ...(blocked.length ? { BlockedEncryptionTypes: { EncryptionType: blocked } } : {}),
          },
        ],
      },
    }),
  };
}

function policyStep(
  bucket: BucketSnapshot,
  intents: Intent[],
  call: (operation: string, input: Record<string, unknown>) => PlanCall,
): StepBody {
  const pol = bucket.policy;
  const account = intents.find((i) => i.kind === 'bucket-policy')?.account;
  const accountBpa = account?.accountPublicAccessBlock;
  // S3 refuses (AccessDenied) any PutBucketPolicy whose policy is public while BlockPublicPolicy is
  // on for the account (its own setting, or an organization S3 policy's): merging into a public
  // policy would keep its public statement, so the public grant must be removed first, by hand.
  if (
    bucket.policyStatus.status === 'ok' &&
    bucket.policyStatus.value.isPublic &&
    accountBpa?.status === 'ok' &&
    accountBpa.value.blockPublicPolicy
  ) {
    const wanted = intents.flatMap((i) =>
      i.kind === 'bucket-policy' ? i.statements.map((st) => st.Sid) : [],
    );
    return manualStep(
      `The bucket policy of ${bucket.name} is public and account-level BlockPublicPolicy is on, so S3 refuses any PutBucketPolicy that keeps its public statement. Remove the public grant from the policy, then add the statements ${[...new Set(wanted)].join(', ')}.`,
    );
  }
  if (pol.status === 'denied' || pol.status === 'error') {
    return manualStep(
      `The current bucket policy of ${bucket.name} could not be read, so the statements cannot be merged into it safely; not scripted.`,
    );
  }
  let doc: Record<string, unknown> = { Version: '2012-10-17', Statement: [] };
  if (pol.status === 'ok') {
    try {
      const parsed: unknown = JSON.parse(pol.value.text);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      doc = { ...(parsed as Record<string, unknown>) };
    } catch {
      return manualStep(
        `The bucket policy of ${bucket.name} in the pack is not a JSON object; not scripted.`,
      );
    }
  }
  const existing =
    doc.Statement === undefined
      ? []
      : Array.isArray(doc.Statement)
        ? [...(doc.Statement as unknown[])]
        : [doc.Statement];
  const sids = new Set(
    existing.map((s) => (s && typeof s === 'object' ? (s as { Sid?: unknown }).Sid : undefined)),
  );
  const added: string[] = [];
  for (const i of intents) {
    if (i.kind !== 'bucket-policy') continue;
    for (const statement of i.statements) {
      if (existing.some((s) => isDeepStrictEqual(s, statement))) continue;
      let sid = statement.Sid;
      for (let n = 2; sids.has(sid); n++) sid = `${statement.Sid}${n}`;
      const s: PolicyStatement = { ...statement, Sid: sid };
      sids.add(sid);
      existing.push(s);
      added.push(sid);
    }
  }
  doc.Statement = existing;
  return {
    summary: `Add the statements ${added.join(', ')} to the bucket policy of ${bucket.name}, keeping its ${existing.length - added.length} existing statement(s).`,
    call: call('PutBucketPolicy', { Policy: JSON.stringify(doc) }),
  };
}

/**
 * The remediation of each failing finding (`checkId arn` → the step that fixes it), for the report
 * and findings.csv: the same plan `remediate` prints.
 */
export function stepsByFinding(
  snapshot: RemediationFacts['snapshot'],
  failing: readonly FindingRef[],
  rotationPeriodInDays = 365,
): Map<string, RemediationStep> {
  const plan = buildPlan(snapshot.runId, failing, { snapshot, failing, rotationPeriodInDays });
  const byFinding = new Map<string, RemediationStep>();
  for (const step of plan.steps)
    for (const f of step.fixes) byFinding.set(`${f.checkId} ${f.resourceArn}`, step);
  return byFinding;
}
