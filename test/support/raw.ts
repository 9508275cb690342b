/**
 * The raw records behind a built snapshot: one recorded call per distinct evidence ref, written to
 * `raw/<service>/<region>.jsonl` as the recorder writes them (each record naming its account), its body in the AWS wire
 * shape of the outcome's value (an error name and HTTP status for absent, denied and failed reads).
 * Capture's API views and any test reading raw records take them from here, so the record an image
 * shows is always the one the snapshot's outcome cites.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RecordedCall } from '../../src/aws/recorded-call.ts';
import type { Snapshot } from '../../src/snapshot/model.ts';
import type { EvidenceRef, Outcome } from '../../src/snapshot/outcome.ts';

/** One outcome to record, with the request that produced it. */
interface Read {
  outcome: Outcome<unknown>;
  input: Record<string, unknown>;
  /** The account the call was made in (records name it; the file is per service and region). */
  accountId: string;
}

const pascal = (k: string): string => k.charAt(0).toUpperCase() + k.slice(1);

/** A value's members in AWS's PascalCase (the default wire shape of a JSON-protocol answer). */
function wire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(wire);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [pascal(k), wire(v)]),
    );
  return value;
}

/** The response body of `operation` whose parsed value is `value`. */
function responseOf(operation: string, value: unknown): unknown {
  const v = value as Record<string, unknown>;
  switch (operation) {
    case 'GetBucketEncryption':
      return {
        ServerSideEncryptionConfiguration: {
          Rules: (
            v.rules as { sseAlgorithm: string; kmsMasterKeyId?: string; bucketKeyEnabled: boolean }[]
          ).map((r) => ({
            ApplyServerSideEncryptionByDefault: {
              SSEAlgorithm: r.sseAlgorithm,
              ...(r.kmsMasterKeyId ? { KMSMasterKeyID: r.kmsMasterKeyId } : {}),
            },
            BucketKeyEnabled: r.bucketKeyEnabled,
          })),
        },
      };
    case 'GetBucketPolicy':
    case 'GetKeyPolicy':
      return { Policy: v.text, ...(operation === 'GetKeyPolicy' ? { PolicyName: 'default' } : {}) };
    case 'GetBucketPolicyStatus':
      return { PolicyStatus: { IsPublic: v.isPublic } };
    case 'GetPublicAccessBlock':
      return { PublicAccessBlockConfiguration: wire(v) };
    case 'GetBucketAcl': {
      const acl = v as {
        ownerId: string;
        grants: { granteeType: string; grantee: string; permission: string }[];
      };
      return {
        Owner: { ID: acl.ownerId },
        Grants: acl.grants.map((g) => ({
          Grantee:
            g.granteeType === 'Group'
              ? { Type: 'Group', URI: g.grantee }
              : { Type: g.granteeType, ID: g.grantee },
          Permission: g.permission,
        })),
      };
    }
    case 'GetBucketOwnershipControls':
      return { OwnershipControls: { Rules: [{ ObjectOwnership: v.objectOwnership }] } };
    case 'GetBucketTagging':
      return { TagSet: Object.entries(v).map(([Key, Value]) => ({ Key, Value })) };
    case 'DescribeKey':
      return { KeyMetadata: wire(v) };
    case 'GetComplianceDetailsByConfigRule':
      return {
        EvaluationResults: (value as Record<string, unknown>[]).map((e) => ({
          EvaluationResultIdentifier: {
            EvaluationResultQualifier: { ResourceType: e.resourceType, ResourceId: e.resourceId },
          },
          ComplianceType: e.complianceType,
          ResultRecordedTime: e.resultRecordedTime,
          ConfigRuleInvokedTime: e.configRuleInvokedTime,
          Annotation: e.annotation,
        })),
      };
    case 'DescribeTrails':
      return { trailList: (v.trailArns as string[]).map((TrailARN) => ({ TrailARN })) };
    case 'GetCallerIdentity':
      return { Arn: v.arn, UserId: v.userId };
    case 'DescribeConfigRules':
      return { ConfigRules: wire(value) };
    case 'DescribeConfigurationRecorders':
      return { ConfigurationRecorders: wire(value) };
    case 'DescribeConfigurationRecorderStatus':
      return { ConfigurationRecordersStatus: wire(value) };
    case 'LookupEvents':
      return { Events: wire(value) };
    default:
      return wire(value);
  }
}

const HTTP_STATUS = { absent: 404, denied: 403, error: 503 } as const;

/** Every outcome of the snapshot with the request that read it. */
function readsOf(snapshot: Snapshot): Read[] {
  const reads: Read[] = [];
  let accountId = '';
  const add = (outcome: Outcome<unknown> | undefined, input: Record<string, unknown>): void => {
    if (outcome) reads.push({ outcome, input, accountId });
  };
  for (const a of snapshot.accounts) {
    accountId = a.accountId;
    add(a.identity, {});
    add(a.bucketListing, {});
    add(a.accountPublicAccessBlock, { AccountId: a.accountId });
    for (const b of a.buckets) {
      const input = { Bucket: b.name };
      for (const o of [
        b.encryption,
        b.policy,
        b.policyStatus,
        b.publicAccessBlock,
        b.acl,
        b.ownershipControls,
        b.tags,
        b.versioning,
        b.abac,
        b.inventoryConfigurations,
      ])
        add(o, input);
    }
    for (const k of a.kmsKeys) {
      const input = { KeyId: k.metadata.status === 'ok' ? k.metadata.value.arn : k.references[0] };
      for (const o of [k.metadata, k.policy, k.rotation, k.rotations]) add(o, input);
    }
    for (const c of a.config) {
      for (const o of [c.recorders, c.recorderStatus, c.rules, c.recorderSummaries]) add(o, {});
      for (const r of c.results) add(r.evaluations, { ConfigRuleName: r.ruleName });
    }
    for (const d of a.cloudTrail.discovery) add(d.result, {});
    for (const t of a.cloudTrail.trails) {
      add(t.status, { Name: t.arn });
      add(t.selectors, { TrailName: t.arn });
    }
    for (const u of a.cloudTrail.keyUsage) add(u.events, {});
    for (const h of a.configHistory ?? [])
      add(h.items, { resourceType: 'AWS::S3::Bucket', resourceId: h.bucket });
  }
  return reads;
}

function recordOf(ref: EvidenceRef, read: Read, n: number, startedAt: number): RecordedCall {
  const [, , region = ''] = ref.file.replace(/\.jsonl$/, '').split('/');
  const o = read.outcome;
  return {
    id: ref.callId,
    service: ref.service,
    operation: ref.operation,
    region,
    accountId: read.accountId,
    input: read.input,
    ...(o.status === 'ok' ? { output: responseOf(ref.operation, o.value) } : {}),
    httpStatus: o.status === 'ok' ? 200 : HTTP_STATUS[o.status],
    requestId: ref.requestId,
    attempts: 1,
    startedAt: new Date(startedAt + n * 1000).toISOString(),
    durationMs: 42,
    ...(o.status === 'ok'
      ? {}
      : {
          errorName: o.errorCode.replace(/^derived:/, ''),
          errorMessage: 'message' in o ? o.message : 'not configured',
        }),
    outcome: o.status,
  };
}

/**
 * Write the raw records of `snapshot` under `workDir` (one per evidence ref; an outcome derived
 * from an earlier call, which cites that call, adds none).
 */
export async function writeRaw(snapshot: Snapshot, workDir: string): Promise<void> {
  const files = new Map<string, RecordedCall[]>();
  const seen = new Set<string>();
  const start = Date.parse(snapshot.collection.startedAt);
  for (const read of readsOf(snapshot)) {
    const ref = read.outcome.evidence;
    const key = `${ref.file}#${ref.callId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const list = files.get(ref.file) ?? [];
    list.push(recordOf(ref, read, seen.size, start));
    files.set(ref.file, list);
  }
  for (const [file, records] of files) {
    await mkdir(dirname(join(workDir, file)), { recursive: true });
    await writeFile(join(workDir, file), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  }
}
