/**
 * The fix plan's promise, end to end: run the demo estate in the sandbox, pack it, plan the fixes
 * from the pack, apply the plan's calls to the sandbox with the AWS SDK, run again — every finding
 * a scripted step claims to fix now passes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KMSClient, EnableKeyRotationCommand } from '@aws-sdk/client-kms';
import {
  PutBucketEncryptionCommand,
  PutBucketInventoryConfigurationCommand,
  PutBucketPolicyCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  PutPublicAccessBlockCommand as PutAccountPublicAccessBlockCommand,
  S3ControlClient,
} from '@aws-sdk/client-s3-control';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentProgress } from '../../src/progress/progress.ts';
import { validateConfig } from '../../src/config/load.ts';
import { runEvidencePack } from '../../src/pipeline/run.ts';
import { planFromPack } from '../../src/remediate/from-pack.ts';
import { cliWords, renderShell, shellQuote } from '../../src/remediate/render.ts';
import type { PlanCall, RemediationPlan } from '../../src/remediate/types.ts';
import {
  DEMO_ACCOUNT,
  DEMO_CREDENTIALS,
  DEMO_ROLE_ARN,
  DEMO_SECOND_ACCOUNT,
} from '../../src/sandbox/scenarios/demo.ts';
import { DEMO_ORG_ROLE } from '../../src/sandbox/scenarios/demo-organization.ts';
import { sandboxLink } from '../../src/sandbox/console/urls.ts';
import { demoConfig } from '../../src/cli/commands/demo-config.ts';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server.ts';

let sandbox: RunningSandbox;
let out: string;
let zipPath: string;
let plan: RemediationPlan;

async function runDemo(dir: string) {
  const loaded = validateConfig(demoConfig());
  if (!loaded.ok) throw new Error(loaded.errors.join('; '));
  return runEvidencePack({
    config: loaded.config,
    outDir: dir,
    endpointUrl: sandbox.url,
    credentials: DEMO_CREDENTIALS,
    screenshots: false,
    sandbox: sandboxLink(sandbox.url),
    progress: silentProgress,
  });
}

function credentialsFor(accountId: string): AwsCredentialIdentity | AwsCredentialIdentityProvider {
  if (accountId === DEMO_ACCOUNT) return DEMO_CREDENTIALS;
  return fromTemporaryCredentials({
    params: {
      // The second account has its own reader role; the organization's accounts are reached as the
      // demo reads them, through the organization role.
      RoleArn:
        accountId === DEMO_SECOND_ACCOUNT ? DEMO_ROLE_ARN : `arn:aws:iam::${accountId}:role/${DEMO_ORG_ROLE}`,
      RoleSessionName: 'remediate-test',
    },
    masterCredentials: DEMO_CREDENTIALS,
    clientConfig: { endpoint: sandbox.url, region: 'us-east-1' },
  });
}

/** Apply one planned call with the SDK, exactly as planned. */
async function apply(call: PlanCall): Promise<void> {
  const common = {
    region: call.region,
    endpoint: sandbox.url,
    credentials: credentialsFor(call.accountId),
    maxAttempts: 1,
  };
  const input = call.input as never;
  if (call.service === 's3') {
    const s3 = new S3Client({ ...common, forcePathStyle: true });
    const commands = {
      PutBucketEncryption: PutBucketEncryptionCommand,
      PutBucketPolicy: PutBucketPolicyCommand,
      PutPublicAccessBlock: PutPublicAccessBlockCommand,
      PutBucketInventoryConfiguration: PutBucketInventoryConfigurationCommand,
    } as const;
    const Command = commands[call.operation as keyof typeof commands] as unknown as
      (new (input: never) => PutBucketPolicyCommand) | undefined;
    if (!Command) throw new Error(`no SDK command for s3 ${call.operation}`);
    await s3.send(new Command(input));
    s3.destroy();
  } else if (call.service === 's3control') {
    if (call.operation !== 'PutPublicAccessBlock') throw new Error(`unexpected s3control ${call.operation}`);
    const control = new S3ControlClient({
      ...common,
      endpointProvider: () => ({ url: new URL(sandbox.url) }),
      disableHostPrefix: true,
    });
    await control.send(new PutAccountPublicAccessBlockCommand(input));
    control.destroy();
  } else {
    if (call.operation !== 'EnableKeyRotation') throw new Error(`unexpected kms ${call.operation}`);
    const kms = new KMSClient(common);
    await kms.send(new EnableKeyRotationCommand(input));
    kms.destroy();
  }
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, scenario: 'demo' });
  out = await mkdtemp(join(tmpdir(), 'remediate-'));
  const built = await runDemo(join(out, 'before'));
  zipPath = built.written.zipPath;
  const planned = await planFromPack(zipPath);
  if (!planned.ok) throw new Error(planned.problems.join('; '));
  plan = planned.plan;
}, 240_000);

afterAll(async () => {
  await sandbox?.close();
  if (out) await rm(out, { recursive: true, force: true });
});

describe('evidence-pack remediate on the demo pack', () => {
  it('prints every planned call as a quoted AWS CLI command under the findings it fixes', () => {
    const script = renderShell(plan, 'demo.zip');
    expect(script.split('\n').slice(0, 8).join('\n')).toMatch(/Nothing has been run/);
    const scripted = plan.steps.filter((s) => s.call);
    expect(scripted.length).toBeGreaterThan(10);
    for (const step of scripted) {
      const line = cliWords(step.call as PlanCall)
        .map(shellQuote)
        .join(' ');
      const at = script.indexOf(`\n${line}\n`);
      expect(at, line).toBeGreaterThan(0);
      const before = script.slice(0, at);
      for (const f of step.fixes) expect(before).toContain(`# fixes ${f.checkId} on ${f.resourceName}`);
    }
    // Only commands and comments: no line runs anything else.
    for (const line of script.split('\n'))
      expect(line === '' || line.startsWith('#') || line.startsWith('aws ') || line === 'set -eu').toBe(true);
  });

  it('merges into the existing bucket policy instead of replacing it', () => {
    const step = plan.steps.find(
      (s) => s.call?.operation === 'PutBucketPolicy' && s.call.input.Bucket === 'acme-payments-archive',
    );
    const doc = JSON.parse(String(step?.call?.input.Policy)) as { Statement: { Sid: string }[] };
    const sids = doc.Statement.map((s) => s.Sid);
    expect(sids).toContain('DenyInsecureTransport'); // the bucket's own statement, kept
    expect(sids).toContain('DenyUnencryptedObjectUploads'); // added
    expect(new Set(sids).size).toBe(sids.length);
  });

  it('leaves the account Block Public Access of an account under an organization S3 policy to the organization', () => {
    // The management account fails s3.account-public-access-block under its "none" exemption: S3
    // refuses the account's own PutPublicAccessBlock (403) while an S3 policy sets the value.
    const steps = plan.steps.filter((s) =>
      s.fixes.some((f) => f.checkId === 's3.account-public-access-block'),
    );
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) {
      expect(step.call).toBeUndefined();
      expect(step.summary).toMatch(/organization S3 policy p-\w+ "acme-public-website-exemption"/);
      expect(step.summary).toContain('S3 refuses PutPublicAccessBlock');
    }
    expect(
      plan.steps.some((s) => s.call?.operation === 'PutPublicAccessBlock' && s.call.service === 's3control'),
    ).toBe(false);
  });

  it('applied to the sandbox, turns every finding a scripted step fixes into a pass on the next run', async () => {
    for (const step of plan.steps) if (step.call) await apply(step.call);
    const after = await runDemo(join(out, 'after'));
    // Today's results: a deviation during the audit period stays in the past, whatever is fixed.
    const status = new Map(
      after.evaluation.findings
        .filter((f) => !f.deviation)
        .map((f) => [`${f.checkId} ${f.resource.arn}`, f.status]),
    );
    const fixed = plan.steps.filter((s) => s.call).flatMap((s) => s.fixes);
    const checks = new Set(fixed.map((f) => f.checkId));
    for (const id of [
      's3.default-encryption',
      's3.sse-kms-cmk',
      's3.bucket-key',
      's3.deny-unencrypted-put',
      's3.tls-only',
      's3.bucket-public-access-block',
      's3.not-public',
      's3.object-encryption-inventory',
      'kms.rotation-enabled',
    ])
      expect(checks, id).toContain(id);
    const notPassing = fixed
      .map((f) => ({
        id: `${f.checkId} ${f.resourceArn}`,
        status: status.get(`${f.checkId} ${f.resourceArn}`),
      }))
      .filter((r) => r.status !== 'pass');
    expect(notPassing).toEqual([]);
  }, 240_000);
});
