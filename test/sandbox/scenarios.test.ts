import {
  GetBucketAclCommand,
  GetBucketPolicyStatusCommand,
  GetBucketEncryptionCommand,
  ListBucketsCommand,
} from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  generateScenario,
  getScenario,
  loadDeclarative,
  registerScenario,
  scenarioNames,
} from '../../src/sandbox/scenarios/index.ts';
import { startSandbox } from '../../src/sandbox/server.ts';
import type { RunningSandbox } from '../../src/sandbox/server.ts';
import { SandboxState } from '../../src/sandbox/state.ts';
import { s3 } from './clients.ts';

let sandbox: RunningSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe('scenario registry', () => {
  it('knows empty and generated, accepts registrations, and names the known ones for an unknown name', async () => {
    expect(scenarioNames()).toEqual(expect.arrayContaining(['empty', 'generated']));
    registerScenario('one-bucket', async ({ state }) =>
      loadDeclarative(state, { buckets: [{ name: 'only-one' }] }),
    );
    sandbox = await startSandbox({ scenario: 'one-bucket' });
    expect([...sandbox.state.buckets.keys()]).toEqual(['only-one']);
    expect(() => getScenario('no-such-scenario')).toThrow(/known: .*empty/);
  });
});

describe('declarative loader', () => {
  it('starts from today’s defaults and applies overrides, null removing a setting', () => {
    const state = new SandboxState();
    loadDeclarative(state, {
      accounts: [
        {
          id: '111122223333',
          publicAccessBlock: {
            BlockPublicAcls: true,
            IgnorePublicAcls: true,
            BlockPublicPolicy: true,
            RestrictPublicBuckets: true,
          },
        },
      ],
      buckets: [
        { name: 'defaults' },
        {
          name: 'legacy',
          region: 'eu-west-1',
          encryption: null,
          publicAccessBlock: null,
          objectOwnership: 'ObjectWriter',
          acl: 'public-read',
        },
      ],
    });
    const defaults = state.buckets.get('defaults');
    expect(defaults?.encryption).toEqual([
      { SSEAlgorithm: 'AES256', BucketKeyEnabled: false, BlockedEncryptionTypes: ['SSE-C'] },
    ]);
    expect(defaults?.objectOwnership).toBe('BucketOwnerEnforced');
    const legacy = state.buckets.get('legacy');
    expect(legacy?.encryption).toBeUndefined();
    expect(legacy?.publicAccessBlock).toBeUndefined();
    expect(legacy?.acl.map((g) => g.id)).toContain('http://acs.amazonaws.com/groups/global/AllUsers');
    expect(state.account('111122223333').accountPublicAccessBlock?.BlockPublicPolicy).toBe(true);
    expect(state.bucketHistory.get('legacy')?.[0]?.status).toBe('ResourceDiscovered');
    expect(() => loadDeclarative(state, { buckets: [{ name: 'defaults' }] })).toThrow(/already exists/);
  });
});

describe('generated scenarios', () => {
  it('are reproducible from their seed and varied', () => {
    const a = generateScenario({ buckets: 300, regions: 4, seed: 9 });
    expect(generateScenario({ buckets: 300, regions: 4, seed: 9 })).toEqual(a);
    expect(generateScenario({ buckets: 300, regions: 4, seed: 10 })).not.toEqual(a);
    const buckets = a.buckets ?? [];
    expect(new Set(buckets.map((b) => b.region)).size).toBe(4);
    expect(buckets.some((b) => b.encryption === null)).toBe(true);
    expect(buckets.some((b) => b.encryption?.[0]?.SSEAlgorithm === 'aws:kms')).toBe(true);
    expect(buckets.some((b) => b.acl === 'public-read')).toBe(true);
    expect(buckets.some((b) => b.policy && b.publicAccessBlock === null)).toBe(true);
    expect(buckets.some((b) => b.tags)).toBe(true);
  });

  it('10,000 buckets load and page through ListBuckets 1,000 at a time', async () => {
    sandbox = await startSandbox({ scenario: 'generated:10000:3:5' });
    expect(sandbox.state.buckets.size).toBe(10_000);
    const c = s3(sandbox);
    let token: string | undefined;
    let pages = 0;
    let total = 0;
    do {
      const page = await c.send(new ListBucketsCommand({ MaxBuckets: 1000, ContinuationToken: token }));
      pages += 1;
      total += page.Buckets?.length ?? 0;
      token = page.ContinuationToken;
    } while (token);
    expect(pages).toBe(10);
    expect(total).toBe(10_000);
    c.destroy();
  });

  it('generated public buckets read back as public over the wire', async () => {
    sandbox = await startSandbox({ scenario: 'generated:400:1:3' });
    const spec = generateScenario({ buckets: 400, regions: 1, seed: 3 });
    const publicOne = spec.buckets?.find((b) => b.policy && b.publicAccessBlock === null);
    const unencrypted = spec.buckets?.find((b) => b.encryption === null);
    const c = s3(sandbox);
    const status = await c.send(new GetBucketPolicyStatusCommand({ Bucket: publicOne?.name }));
    expect(status.PolicyStatus?.IsPublic).toBe(true);
    await expect(c.send(new GetBucketEncryptionCommand({ Bucket: unencrypted?.name }))).rejects.toMatchObject(
      {
        name: 'ServerSideEncryptionConfigurationNotFoundError',
      },
    );
    c.destroy();
  });
});

describe('load', () => {
  it('answers 500 concurrent SDK requests', async () => {
    sandbox = await startSandbox({ scenario: 'generated:50:1:1' });
    const c = s3(sandbox);
    const names = [...sandbox.state.buckets.keys()];
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        c.send(new GetBucketAclCommand({ Bucket: names[i % names.length] })),
      ),
    );
    expect(results.every((r) => r.$metadata.httpStatusCode === 200)).toBe(true);
    expect(sandbox.faults.stats().requests['s3:GetBucketAcl']).toBe(500);
    c.destroy();
  });
});
