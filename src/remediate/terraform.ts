/**
 * The fix plan as Terraform (AWS provider): each scripted step becomes the `aws_s3_*` resource that
 * manages the same setting, with an `import` block (Terraform 1.5+) where the setting already exists
 * in AWS, so `terraform plan` shows the change against the live configuration before anything is
 * applied. One provider alias per account and region. KMS key rotation is a comment: `aws_kms_key`
 * manages the whole key, so it belongs in the key's existing definition.
 */
import type { PlanCall, RemediationPlan, RemediationStep } from './types.ts';

/** Text safe inside a `#` comment. */
function comment(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
}

/** An HCL string literal (JSON escaping, plus `${` and `%{` escaped so nothing is interpolated). */
export function hclString(value: string): string {
  return JSON.stringify(value).replace(/\$\{/g, '$$${').replace(/%\{/g, '%%{');
}

/** A Terraform identifier from free text: letters, digits, `_`; never starting with a digit. */
export function hclName(text: string): string {
  const name = text.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[A-Za-z_]/.test(name) ? name : `r_${name}`;
}

function providerAlias(call: PlanCall): string {
  return hclName(`a${call.accountId}_${call.region}`);
}

type Hcl = string[];

const bool = (v: unknown): string => (v === true ? 'true' : 'false');

/** One resource (and its import) for a scripted call, or `undefined` when there is no faithful one. */
function resourceFor(call: PlanCall, used: Set<string>): { address: string; lines: Hcl } | undefined {
  const provider = `  provider = aws.${providerAlias(call)}`;
  const input = call.input;
  const bucket = typeof input.Bucket === 'string' ? input.Bucket : '';
  const unique = (type: string, base: string): string => {
    let name = hclName(base);
    for (let i = 2; used.has(`${type}.${name}`); i++) name = hclName(`${base}_${i}`);
    used.add(`${type}.${name}`);
    return `${type}.${name}`;
  };
  const importOf = (address: string, id: string): Hcl => [
    'import {',
    `  to = ${address}`,
    `  id = ${hclString(id)}`,
    `  provider = aws.${providerAlias(call)}`,
    '}',
  ];
  const pab = (c: Record<string, unknown>): Hcl => [
    `  block_public_acls = ${bool(c.BlockPublicAcls)}`,
    `  ignore_public_acls = ${bool(c.IgnorePublicAcls)}`,
    `  block_public_policy = ${bool(c.BlockPublicPolicy)}`,
    `  restrict_public_buckets = ${bool(c.RestrictPublicBuckets)}`,
  ];
  /** The resource block (after its import block when `importId` names an existing setting). */
  const resource = (
    type: string,
    base: string,
    importId: string | undefined,
    attributes: Hcl,
  ): { address: string; lines: Hcl } => {
    const address = unique(type, base);
    const name = address.slice(type.length + 1);
    return {
      address,
      lines: [
        ...(importId === undefined ? [] : importOf(address, importId)),
        `resource "${type}" "${name}" {`,
        provider,
        ...attributes,
        '}',
      ],
    };
  };
  switch (`${call.service}:${call.operation}`) {
    case 's3:PutPublicAccessBlock':
      return resource('aws_s3_bucket_public_access_block', bucket, bucket, [
        `  bucket = ${hclString(bucket)}`,
        ...pab((input.PublicAccessBlockConfiguration ?? {}) as Record<string, unknown>),
      ]);
    case 's3control:PutPublicAccessBlock': {
      const accountId = String(input.AccountId ?? call.accountId);
      return resource('aws_s3_account_public_access_block', `account_${accountId}`, accountId, [
        `  account_id = ${hclString(accountId)}`,
        ...pab((input.PublicAccessBlockConfiguration ?? {}) as Record<string, unknown>),
      ]);
    }
    case 's3:PutBucketPolicy':
      return resource('aws_s3_bucket_policy', bucket, bucket, [
        `  bucket = ${hclString(bucket)}`,
        `  policy = ${hclString(String(input.Policy ?? ''))}`,
      ]);
    case 's3:PutBucketEncryption': {
      const config = input.ServerSideEncryptionConfiguration as
        { Rules?: Record<string, unknown>[] } | undefined;
      const rule = config?.Rules?.[0] ?? {};
      const byDefault = (rule.ApplyServerSideEncryptionByDefault ?? {}) as Record<string, unknown>;
      const blocked = (rule.BlockedEncryptionTypes as { EncryptionType?: string[] } | undefined)
        ?.EncryptionType;
      return resource('aws_s3_bucket_server_side_encryption_configuration', bucket, bucket, [
        `  bucket = ${hclString(bucket)}`,
        '  rule {',
        '    apply_server_side_encryption_by_default {',
        `      sse_algorithm = ${hclString(String(byDefault.SSEAlgorithm ?? 'AES256'))}`,
        ...(typeof byDefault.KMSMasterKeyID === 'string'
          ? [`      kms_master_key_id = ${hclString(byDefault.KMSMasterKeyID)}`]
          : []),
        '    }',
        `    bucket_key_enabled = ${bool(rule.BucketKeyEnabled)}`,
        ...(blocked?.length ? [`    blocked_encryption_types = [${blocked.map(hclString).join(', ')}]`] : []),
        '  }',
      ]);
    }
    case 's3:PutBucketInventoryConfiguration': {
      const c = (input.InventoryConfiguration ?? {}) as Record<string, unknown>;
      const dest =
        ((c.Destination ?? {}) as { S3BucketDestination?: Record<string, unknown> }).S3BucketDestination ??
        {};
      const fields = Array.isArray(c.OptionalFields) ? (c.OptionalFields as string[]) : [];
      const schedule = (c.Schedule ?? {}) as Record<string, unknown>;
      // A new configuration: nothing to import.
      return resource('aws_s3_bucket_inventory', `${bucket}_${String(c.Id ?? '')}`, undefined, [
        `  bucket = ${hclString(bucket)}`,
        `  name = ${hclString(String(c.Id ?? ''))}`,
        `  enabled = ${bool(c.IsEnabled)}`,
        `  included_object_versions = ${hclString(String(c.IncludedObjectVersions ?? 'Current'))}`,
        `  optional_fields = [${fields.map(hclString).join(', ')}]`,
        '  schedule {',
        `    frequency = ${hclString(String(schedule.Frequency ?? 'Daily'))}`,
        '  }',
        '  destination {',
        '    bucket {',
        `      bucket_arn = ${hclString(String(dest.Bucket ?? ''))}`,
        `      format = ${hclString(String(dest.Format ?? 'CSV'))}`,
        ...(dest.AccountId ? [`      account_id = ${hclString(String(dest.AccountId))}`] : []),
        ...(dest.Prefix ? [`      prefix = ${hclString(String(dest.Prefix))}`] : []),
        '    }',
        '  }',
      ]);
    }
    default:
      return undefined;
  }
}

function fixesComments(step: RemediationStep): Hcl {
  return [
    ...step.fixes.map(
      (f) => `# fixes ${comment(f.checkId)} on ${comment(f.resourceName)}: ${comment(f.reason)}`,
    ),
    `# ${comment(step.summary)}`,
  ];
}

const ATTRIBUTE = /^(\s*)([A-Za-z_][A-Za-z0-9_]*) = (.*)$/;

/** Align the `=` of consecutive attributes at one indent, as `terraform fmt` does. */
export function alignAttributes(lines: readonly string[]): string[] {
  const out = [...lines];
  let i = 0;
  while (i < out.length) {
    const first = ATTRIBUTE.exec(out[i] ?? '');
    if (!first) {
      i++;
      continue;
    }
    let j = i;
    const group: RegExpExecArray[] = [];
    for (let m = ATTRIBUTE.exec(out[j] ?? ''); m && m[1] === first[1]; m = ATTRIBUTE.exec(out[++j] ?? ''))
      group.push(m);
    const width = Math.max(...group.map((m) => (m[2] ?? '').length));
    group.forEach((m, k) => {
      out[i + k] = `${m[1] ?? ''}${(m[2] ?? '').padEnd(width)} = ${m[3] ?? ''}`;
    });
    i = j;
  }
  return out;
}

/**
 * The plan as a Terraform configuration to review with `terraform plan`. Steps without a faithful
 * resource (KMS rotation, manual steps) are comments with the same words as the shell script.
 */
export function renderTerraform(plan: RemediationPlan, packName: string): string {
  const used = new Set<string>();
  const providers = new Map<string, PlanCall>();
  const body: Hcl = [];
  for (const step of plan.steps) {
    body.push('', ...fixesComments(step));
    const call = step.call;
    if (!call) {
      body.push('# (not scripted: a manual step)');
      continue;
    }
    if (call.service === 'kms' && call.operation === 'EnableKeyRotation') {
      body.push(
        `# aws_kms_key manages the whole key: in the definition of ${comment(String(call.input.KeyId))}, set`,
        `#   enable_key_rotation     = true`,
        `#   rotation_period_in_days = ${comment(String(call.input.RotationPeriodInDays ?? 365))}`,
        `# (or run: aws kms enable-key-rotation --key-id ${comment(String(call.input.KeyId))} --rotation-period-in-days ${comment(String(call.input.RotationPeriodInDays ?? 365))} --region ${comment(call.region)})`,
      );
      continue;
    }
    const resource = resourceFor(call, used);
    if (!resource) {
      body.push(
        `# ${comment(`${call.service} ${call.operation}`)} has no Terraform resource here; apply it with the shell plan.`,
      );
      continue;
    }
    providers.set(providerAlias(call), call);
    body.push(`# account ${call.accountId}`, ...resource.lines);
  }
  const scripted = plan.steps.filter((s) => s.call).length;
  const header: Hcl = [
    `# Fix plan generated by evidence-pack remediate --format terraform from the evidence pack`,
    `#   ${comment(packName)} (run ${comment(plan.runId)})`,
    '# Nothing has been applied: review with `terraform plan`. Settings that already exist in AWS are',
    '# brought under Terraform by the import blocks (Terraform 1.5 or later), so the plan shows each',
    '# change against the live configuration. Each provider needs credentials of the account it names.',
    `# ${scripted} scripted step(s); ${plan.steps.length - scripted} manual step(s) described in comments.`,
    '',
    'terraform {',
    '  required_providers {',
    '    aws = {',
    '      source = "hashicorp/aws"',
    '    }',
    '  }',
    '}',
  ];
  const providerBlocks = [...providers.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([alias, call]) => [
      '',
      `# account ${call.accountId}: configure credentials for it (profile, assume_role, ...)`,
      'provider "aws" {',
      `  alias = ${hclString(alias)}`,
      `  region = ${hclString(call.region)}`,
      `  allowed_account_ids = [${hclString(call.accountId)}]`,
      '}',
    ]);
  return `${alignAttributes([...header, ...providerBlocks, ...body]).join('\n')}\n`;
}
