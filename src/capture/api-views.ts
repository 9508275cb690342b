/**
 * Rendered views of recorded API responses: one page per evidence item, showing the recorded response
 * (pretty JSON or a table), its request id, call time and the sha256 of the raw record line, under the
 * stamp banner. Pure HTML from (snapshot, raw records): the same inputs give the same bytes.
 */
import type { EvidenceRef } from '../snapshot/outcome.ts';
import type { RecordedCall } from '../aws/recorded-call.ts';
import type { AccountSnapshot, KmsKeySnapshot, Snapshot } from '../snapshot/model.ts';
import type { CaptureTarget } from './select.ts';
import type { RecordReader } from './records.ts';
import { stampBannerHtml, formatUtc, type Stamp } from './stamp.ts';
import { renderTemplate } from './views/render.ts';
import { API_VIEW_TEMPLATE, PAGE_CSS } from './views/templates.ts';

/** How a section's response body is shown. */
export type SectionFormat = 'json' | 'config-evaluations';

/** One evidence item to render. */
export interface ApiViewSpec {
  /** File-name stem (made filesystem-safe by the caller). */
  name: string;
  title: string;
  subtitle: string;
  account: string;
  region: string;
  resource: string;
  /** The first section is the primary record: it dates and sources the stamp. */
  sections: { heading: string; ref: EvidenceRef; format: SectionFormat }[];
}

/** A rendered view, or why it cannot be rendered. */
export type RenderedApiView = { ok: true; html: string; stamp: Stamp } | { ok: false; reason: string };

/** The views an evidence target produces (none when the snapshot lacks the resource). */
export function apiViewSpecs(target: CaptureTarget, snapshot: Snapshot): ApiViewSpec[] {
  const account = snapshot.accounts.find((a) => a.accountId === target.accountId);
  switch (target.kind) {
    case 'account-bpa': {
      if (!account) return [];
      return [
        {
          name: `account-bpa_${account.accountId}`,
          title: 'S3 Block Public Access — account level',
          subtitle: `Account ${account.accountId} (${account.name})`,
          account: account.accountId,
          region: target.region,
          resource: `arn:aws:s3::${account.accountId}:account`,
          sections: [section('S3 Control GetPublicAccessBlock', account.accountPublicAccessBlock.evidence)],
        },
      ];
    }
    case 'bucket': {
      const bucket = account?.buckets.find((b) => b.name === target.bucket);
      if (!bucket) return [];
      const base = {
        account: bucket.accountId,
        region: bucket.region,
        resource: bucket.arn,
        subtitle: `${bucket.arn} (${bucket.region}) — selected: ${target.reason}`,
      };
      return [
        {
          ...base,
          name: `bucket-encryption_${bucket.accountId}_${bucket.name}`,
          title: `Default encryption — ${bucket.name}`,
          sections: [section('GetBucketEncryption', bucket.encryption.evidence)],
        },
        {
          ...base,
          name: `bucket-policy_${bucket.accountId}_${bucket.name}`,
          title: `Bucket policy — ${bucket.name}`,
          sections: [
            section('GetBucketPolicy', bucket.policy.evidence),
            ...(bucket.policyStatus.evidence.callId !== bucket.policy.evidence.callId
              ? [section('GetBucketPolicyStatus', bucket.policyStatus.evidence)]
              : []),
          ],
        },
        {
          ...base,
          name: `bucket-bpa_${bucket.accountId}_${bucket.name}`,
          title: `S3 Block Public Access — bucket ${bucket.name}`,
          sections: [section('GetPublicAccessBlock', bucket.publicAccessBlock.evidence)],
        },
        ...(target.aclDecides
          ? [
              {
                ...base,
                name: `bucket-acl_${bucket.accountId}_${bucket.name}`,
                title: `Bucket ACL and Object Ownership — ${bucket.name}`,
                sections: [
                  ...(bucket.acl.evidence.callId !== bucket.ownershipControls.evidence.callId
                    ? [section('GetBucketAcl', bucket.acl.evidence)]
                    : []),
                  section('GetBucketOwnershipControls', bucket.ownershipControls.evidence),
                ],
              },
            ]
          : []),
      ];
    }
    case 'kms-key': {
      const key = findKey(snapshot, target.keyArn);
      if (!key) return [];
      return [
        {
          name: `kms-key-policy_${target.accountId}_${target.region}_${target.keyId}`,
          title: `KMS key policy — ${target.keyId}`,
          subtitle: `${target.keyArn}${key.aliases.length ? ` (${key.aliases.join(', ')})` : ''}`,
          account: target.accountId,
          region: target.region,
          resource: target.keyArn,
          sections: [
            section('GetKeyPolicy (PolicyName "default")', key.policy.evidence),
            section('DescribeKey', key.metadata.evidence),
          ],
        },
      ];
    }
    case 'config-rules': {
      const region = account?.config.find((c) => c.region === target.region);
      if (!region) return [];
      return region.results.map((r) => ({
        name: `config-rule_${target.accountId}_${target.region}_${r.ruleName}`,
        title: `AWS Config rule results — ${r.ruleName}`,
        subtitle: `${r.sourceIdentifier} in ${target.region}`,
        account: target.accountId,
        region: target.region,
        resource: `config-rule/${r.ruleName}`,
        sections: [
          {
            heading: 'GetComplianceDetailsByConfigRule',
            ref: r.evaluations.evidence,
            format: 'config-evaluations' as const,
          },
        ],
      }));
    }
    case 'trail': {
      const trail = account?.cloudTrail.trails.find((t) => t.arn === target.trailArn);
      if (!trail || !account) return [];
      const discovery = account.cloudTrail.discovery.find((d) => d.region === trail.homeRegion);
      return [
        {
          name: `trail_${target.accountId}_${trail.homeRegion}_${trail.name}`,
          title: `CloudTrail trail settings — ${trail.name}`,
          subtitle: trail.arn,
          account: target.accountId,
          region: trail.homeRegion,
          resource: trail.arn,
          sections: [
            section('GetTrailStatus', trail.status.evidence),
            section('GetEventSelectors', trail.selectors.evidence),
            ...(discovery
              ? [section(`DescribeTrails (${discovery.region})`, discovery.result.evidence)]
              : []),
          ],
        },
      ];
    }
  }
}

function section(heading: string, ref: EvidenceRef): ApiViewSpec['sections'][number] {
  return { heading, ref, format: 'json' };
}

function findKey(snapshot: Snapshot, keyArn: string): KmsKeySnapshot | undefined {
  for (const account of snapshot.accounts) {
    const key = account.kmsKeys.find((k) => k.metadata.status === 'ok' && k.metadata.value.arn === keyArn);
    if (key) return key;
  }
  return undefined;
}

/** The ARN the account's calls were made as (GetCallerIdentity), else the run's caller. */
export function identityFor(snapshot: Snapshot, accountId: string): string {
  const account: AccountSnapshot | undefined = snapshot.accounts.find((a) => a.accountId === accountId);
  if (account?.identity.status === 'ok') return account.identity.value.arn;
  if (snapshot.caller.accountId === accountId) return snapshot.caller.arn;
  return `unknown (identity for account ${accountId} was not read)`;
}

/** Render a view from its records. Fails when the primary record cannot be read (no call time to stamp). */
export async function renderApiView(
  spec: ApiViewSpec,
  reader: RecordReader,
  ctx: { identity: string; sandbox: boolean; supports?: string | undefined },
): Promise<RenderedApiView> {
  const sections = [];
  const missing = [];
  let primary: RecordedCall | undefined;
  for (const [i, s] of spec.sections.entries()) {
    const read = await reader.read(s.ref);
    if (!read.ok) {
      if (i === 0) return { ok: false, reason: `record for ${s.heading} not readable: ${read.reason}` };
      missing.push({ heading: s.heading, reason: read.reason });
      continue;
    }
    if (i === 0) primary = read.record;
    sections.push({
      heading: s.heading,
      service: read.record.service,
      operation: read.record.operation,
      outcome: read.record.outcome,
      httpStatus: read.record.httpStatus,
      errorName: read.record.errorName,
      errorMessage: read.record.errorMessage,
      requestId: read.record.requestId ?? '(none recorded)',
      extendedRequestId: read.record.extendedRequestId,
      callTime: formatUtc(read.record.startedAt),
      recordRef: `${s.ref.file} #${s.ref.callId}`,
      sha256: read.sha256,
      input: compactJson(read.record.input),
      ...formatBody(read.record, s.format),
    });
  }
  if (!primary) return { ok: false, reason: 'no primary record' };
  const stamp: Stamp = {
    account: spec.account,
    region: spec.region,
    resource: spec.resource,
    capturedAt: primary.startedAt,
    source: `API ${primary.service} ${primary.operation} (request id ${primary.requestId ?? 'none recorded'})`,
    identity: ctx.identity,
    sandbox: ctx.sandbox,
    timeLabel: 'API call time (UTC)',
    ...(ctx.supports ? { supports: ctx.supports } : {}),
  };
  const html = renderTemplate(API_VIEW_TEMPLATE, {
    css: PAGE_CSS,
    bannerHtml: stampBannerHtml(stamp),
    title: spec.title,
    subtitle: spec.subtitle,
    sections,
    missing,
  });
  return { ok: true, html, stamp };
}

function compactJson(value: unknown): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}

/** The response body as shown: policy strings parsed for reading, Config results as a table. */
function formatBody(
  record: RecordedCall,
  format: SectionFormat,
): { json?: string; table?: { columns: string[]; rows: string[][] }; note?: string } {
  if (record.output === undefined) {
    return { note: 'No response body was recorded for this call (see the outcome and error above).' };
  }
  if (format === 'config-evaluations') {
    const table = evaluationsTable(record.output);
    if (table) return { table, json: undefined };
  }
  const output = record.output as Record<string, unknown>;
  if (output && typeof output === 'object' && typeof output.Policy === 'string') {
    try {
      const parsed: unknown = JSON.parse(output.Policy);
      return {
        json: JSON.stringify({ ...output, Policy: parsed }, null, 2),
        note: 'The response carries the policy as a JSON string; it is shown parsed for reading. The record line (sha256 above) holds it verbatim.',
      };
    } catch {
      // Not JSON: show the response exactly as recorded.
    }
  }
  return { json: JSON.stringify(record.output, null, 2) };
}

function evaluationsTable(output: unknown): { columns: string[]; rows: string[][] } | undefined {
  const results = (output as { EvaluationResults?: unknown } | null)?.EvaluationResults;
  if (!Array.isArray(results)) return undefined;
  const text = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
  return {
    columns: ['Resource type', 'Resource id', 'Compliance', 'Result recorded', 'Rule invoked', 'Annotation'],
    rows: results.map((r: Record<string, unknown>) => {
      const q = (
        r.EvaluationResultIdentifier as { EvaluationResultQualifier?: Record<string, unknown> } | undefined
      )?.EvaluationResultQualifier;
      return [
        text(q?.ResourceType),
        text(q?.ResourceId),
        text(r.ComplianceType),
        text(r.ResultRecordedTime),
        text(r.ConfigRuleInvokedTime),
        text(r.Annotation),
      ];
    }),
  };
}
