/**
 * Console capture end to end: STS of the running sandbox issues credentials; the sandbox console
 * handler (mounted here on its own loopback server over the same state, until the lead wires it into
 * the sandbox server) signs the browser in and serves the pages; capture stamps and writes them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { STSClient, AssumeRoleCommand, GetFederationTokenCommand } from '@aws-sdk/client-sts';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../../src/browser/launch.ts';
import { captureScreenshots, pngSize } from '../../src/capture/capture.ts';
import type { ConsoleAccess, FederationCredentials } from '../../src/capture/console.ts';
import { captureConsolePage, signInToConsole } from '../../src/capture/console.ts';
import { toSandboxConsoleUrl } from '../../src/sandbox/console/urls.ts';
import { selectCaptureTargets } from '../../src/capture/select.ts';
import { handleConsoleRequest } from '../../src/sandbox/console/index.ts';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server.ts';
import { kmsRegion } from '../../src/sandbox/services/kms/store.ts';
import { configRegion } from '../../src/sandbox/services/config/store.ts';
import { trailsOf } from '../../src/sandbox/services/cloudtrail/store.ts';
import {
  ACCOUNT,
  HOSTILE,
  KEY_ARN,
  KEY_ID,
  KEY_POLICY,
  POLICY,
  REGION,
  TRAIL_ARN,
  writeCaptureEstate,
} from '../support/capture-estate.ts';

/** A second key and rule in the same region: their console URLs differ from the first only after `#`. */
const OTHER_KEY_ID = '5678efab-56ef-78ab-90cd-567890abcdef';
const RULES = ['s3-encryption', 's3-public-read'] as const;

const LONG_TERM = {
  accessKeyId: 'AKIAEXAMPLELONGTERM1',
  secretAccessKey: 'long-term-secret-value-0123456789',
};

let sandbox: RunningSandbox;
let consoleServer: Server;
let consoleUrl: string;
let browser: Browser;
const issuedSigninTokens: string[] = [];

function sts(): STSClient {
  return new STSClient({ region: REGION, endpoint: sandbox.url, credentials: LONG_TERM });
}

async function federationToken(): Promise<FederationCredentials> {
  const out = await sts().send(new GetFederationTokenCommand({ Name: 'evidence-pack' }));
  const c = out.Credentials!;
  return {
    accessKeyId: c.AccessKeyId!,
    secretAccessKey: c.SecretAccessKey!,
    sessionToken: c.SessionToken!,
    arn: out.FederatedUser?.Arn,
  };
}

function seedState(): void {
  const state = sandbox.state;
  const account = state.account(ACCOUNT);
  account.accountPublicAccessBlock = {
    BlockPublicAcls: true,
    IgnorePublicAcls: true,
    BlockPublicPolicy: true,
    RestrictPublicBuckets: false,
  };
  for (const name of ['data-prod', 'legacy-logs']) {
    state.buckets.set(name, {
      name,
      accountId: ACCOUNT,
      region: REGION,
      creationDate: new Date('2025-01-01T00:00:00Z'),
      encryption: [{ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY_ARN, BucketKeyEnabled: true }],
      policy: name === 'data-prod' ? POLICY : undefined,
      publicAccessBlock:
        name === 'data-prod'
          ? {
              BlockPublicAcls: true,
              IgnorePublicAcls: true,
              BlockPublicPolicy: true,
              RestrictPublicBuckets: true,
            }
          : undefined,
      ownerId: account.canonicalId,
      acl: [],
      objectOwnership: 'BucketOwnerEnforced',
      tags: { classification: HOSTILE },
      objects: new Map(),
    });
  }
  for (const [i, name] of RULES.entries()) {
    configRegion(account, REGION).rules.set(name, {
      name,
      arn: `arn:aws:config:${REGION}:${ACCOUNT}:config-rule/config-rule-${i}`,
      id: `config-rule-${i}`,
      source: {
        Owner: 'AWS',
        SourceIdentifier:
          i === 0 ? 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED' : 'S3_BUCKET_PUBLIC_READ_PROHIBITED',
      },
      firstActivatedTime: new Date('2025-01-01T00:00:00Z'),
      evaluations: [],
    });
  }
  trailsOf(account).set(TRAIL_ARN, {
    name: 'org-trail',
    arn: TRAIL_ARN,
    homeRegion: REGION,
    accountId: ACCOUNT,
    s3BucketName: 'legacy-logs',
    includeGlobalServiceEvents: true,
    isMultiRegionTrail: true,
    logFileValidationEnabled: true,
    isOrganizationTrail: false,
    logging: { isLogging: true },
    hasCustomEventSelectors: false,
  });
  kmsRegion(account, REGION).keys.set(OTHER_KEY_ID, {
    keyId: OTHER_KEY_ID,
    arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${OTHER_KEY_ID}`,
    accountId: ACCOUNT,
    region: REGION,
    creationDate: new Date('2025-01-01T00:00:00Z'),
    description: 'another key',
    keyUsage: 'ENCRYPT_DECRYPT',
    keySpec: 'SYMMETRIC_DEFAULT',
    origin: 'AWS_KMS',
    keyManager: 'CUSTOMER',
    keyState: 'Enabled',
    policy: KEY_POLICY,
    rotation: { enabled: false, periodInDays: 365 },
    multiRegion: false,
    tags: [],
    material: { kind: 'none' },
  });
  kmsRegion(account, REGION).keys.set(KEY_ID, {
    keyId: KEY_ID,
    arn: KEY_ARN,
    accountId: ACCOUNT,
    region: REGION,
    creationDate: new Date('2025-01-01T00:00:00Z'),
    description: 'data key',
    keyUsage: 'ENCRYPT_DECRYPT',
    keySpec: 'SYMMETRIC_DEFAULT',
    origin: 'AWS_KMS',
    keyManager: 'CUSTOMER',
    keyState: 'Enabled',
    policy: KEY_POLICY,
    rotation: { enabled: true, periodInDays: 365 },
    multiRegion: false,
    tags: [],
    material: { kind: 'none' },
  });
}

beforeAll(async () => {
  sandbox = await startSandbox();
  seedState();
  consoleServer = createServer((req, res) => {
    // Remember every sign-in token issued, to prove none of them is written anywhere.
    if ((req.url ?? '').includes('getSigninToken')) {
      const end = res.end.bind(res);
      res.end = ((chunk?: unknown, ...rest: unknown[]) => {
        if (typeof chunk === 'string' && chunk.includes('SigninToken')) {
          issuedSigninTokens.push((JSON.parse(chunk) as { SigninToken: string }).SigninToken);
        }
        return (end as (...a: unknown[]) => ReturnType<typeof res.end>)(chunk, ...rest);
      }) as typeof res.end;
    }
    handleConsoleRequest(req, res, sandbox.state, { baseUrl: consoleUrl }).then(
      (handled) => {
        if (!handled) {
          res.writeHead(404);
          res.end();
        }
      },
      (err: unknown) => {
        res.writeHead(500);
        res.end(String(err));
      },
    );
  });
  await new Promise<void>((resolve) => consoleServer.listen(0, '127.0.0.1', resolve));
  consoleUrl = `http://127.0.0.1:${(consoleServer.address() as AddressInfo).port}`;
  const launched = await launchBrowser();
  if (!launched.ok) throw new Error(launched.reason);
  browser = launched.browser;
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => consoleServer?.close(resolve));
  await sandbox?.close();
});

function access(overrides: Partial<ConsoleAccess> = {}): ConsoleAccess {
  return {
    signinBase: consoleUrl,
    urlFor: (real) => toSandboxConsoleUrl(real, consoleUrl),
    credentials: async () => LONG_TERM,
    getFederationToken: federationToken,
    sandbox: true,
    settleSelector: '[data-console-ready]',
    ...overrides,
  };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('console capture against the sandbox console', () => {
  it('signs in with long-term keys via GetFederationToken, captures stamped pages, leaks no secret', async () => {
    const { workDir, snapshot } = await writeCaptureEstate({ sandbox: true });
    const plan = selectCaptureTargets({
      snapshot,
      settings: { maxKeyBuckets: 10, sampleSize: 0 },
      isSensitive: () => true,
    });
    const federated: FederationCredentials[] = [];
    const result = await captureScreenshots({
      mode: 'console',
      plan,
      snapshot,
      workDir,
      browser,
      console: access({
        getFederationToken: async () => {
          const creds = await federationToken();
          federated.push(creds);
          return creds;
        },
      }),
      concurrency: 3,
      timeoutMs: 20_000,
    });
    expect(result.gaps).toEqual([]);
    // account BPA, 2 tabs × 2 buckets, key, Config rule, trail; one sign-in for the account
    expect(result.images).toHaveLength(8);
    expect(federated).toHaveLength(1);
    expect(issuedSigninTokens.length).toBeGreaterThanOrEqual(1);

    const bpa = result.images.find((i) => i.path === 'screenshots/console_account-bpa_111122223333.png')!;
    expect(bpa).toMatchObject({
      kind: 'console',
      account: ACCOUNT,
      region: REGION,
      source: `${consoleUrl}/_console/s3.console.aws.amazon.com/s3/settings?region=us-east-1`,
      identity: 'arn:aws:sts::111122223333:federated-user/evidence-pack',
    });
    const kms = result.images.find((i) => i.resource === KEY_ARN)!;
    expect(kms.source).toBe(
      `${consoleUrl}/_console/us-east-1.console.aws.amazon.com/kms/home?region=us-east-1#/kms/keys/${KEY_ID}`,
    );
    const png = await readFile(join(workDir, bpa.path));
    const size = pngSize(png);
    expect(size.width).toBeGreaterThanOrEqual(1440);
    expect(size.height).toBeGreaterThan(900);

    await writeFile(join(workDir, 'capture-result.json'), JSON.stringify(result, null, 2));
    const secrets = [
      LONG_TERM.accessKeyId,
      LONG_TERM.secretAccessKey,
      ...federated.flatMap((c) => [c.accessKeyId, c.secretAccessKey, c.sessionToken]),
      ...issuedSigninTokens,
    ];
    for (const file of await filesUnder(workDir)) {
      const bytes = await readFile(file);
      for (const secret of secrets) {
        expect(bytes.includes(Buffer.from(secret)), `${secret.slice(0, 6)}… in ${file}`).toBe(false);
        expect(
          bytes.includes(Buffer.from(encodeURIComponent(secret))),
          `${secret.slice(0, 6)}… in ${file}`,
        ).toBe(false);
      }
    }
  });

  it('shows the signed-in account state on the pages, with hostile values as text', async () => {
    const role = await sts().send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/auditor`, RoleSessionName: 'evidence' }),
    );
    const c = role.Credentials!;
    let federationCalls = 0;
    const a = access({
      credentials: async () => ({
        accessKeyId: c.AccessKeyId!,
        secretAccessKey: c.SecretAccessKey!,
        sessionToken: c.SessionToken!,
      }),
      getFederationToken: async () => {
        federationCalls++;
        return federationToken();
      },
    });
    const permissions = toSandboxConsoleUrl(
      'https://s3.console.aws.amazon.com/s3/buckets/data-prod?region=us-east-1&tab=permissions',
      consoleUrl,
    );
    const session = await signInToConsole(browser, a, ACCOUNT, {
      destination: permissions,
      timeoutMs: 20_000,
    });
    if (!session.ok) throw new Error(session.reason);
    expect(federationCalls).toBe(0); // temporary credentials are used directly
    try {
      const page = await session.context.newPage();
      await page.goto(permissions);
      const text = await page.innerText('body');
      expect(text).toContain('SANDBOX CONSOLE');
      expect(text).toContain(`assumed-role/auditor/evidence`);
      expect(text).toContain('RestrictPublicBuckets');
      expect(text).toContain('<script>window.__pwned=1</script>');
      expect(await page.locator('main img, main script').count()).toBe(0);
      await page.goto(
        toSandboxConsoleUrl(
          `https://us-east-1.console.aws.amazon.com/kms/home?region=us-east-1#/kms/keys/${KEY_ID}`,
          consoleUrl,
        ),
      );
      expect(await page.innerText('main')).toContain('Enable IAM User Permissions');
      await page.close();
    } finally {
      await session.context.close();
    }
  });

  describe('pages whose URLs differ only after # (single-page console routing)', () => {
    const kmsUrl = (keyId: string): string =>
      `https://${REGION}.console.aws.amazon.com/kms/home?region=${REGION}#/kms/keys/${keyId}`;
    const ruleUrl = (name: string): string =>
      `https://${REGION}.console.aws.amazon.com/config/home?region=${REGION}#/rules/details?configRuleName=${name}`;
    const key = (keyId: string) => ({
      url: kmsUrl(keyId),
      identity: { label: 'key id', value: keyId, forms: [keyId] },
    });
    const rule = (name: string) => ({
      url: ruleUrl(name),
      identity: { label: 'rule name', value: name, forms: [name] },
    });
    type Page = ReturnType<typeof key>;

    /** Capture `pages` one after the other in one signed-in context (one reused browser page). */
    async function captureInOrder(pages: Page[]): Promise<Buffer[]> {
      const a = access();
      const session = await signInToConsole(browser, a, ACCOUNT, {
        destination: a.urlFor(pages[0]!.url),
        timeoutMs: 20_000,
      });
      if (!session.ok) throw new Error(session.reason);
      try {
        const shots: Buffer[] = [];
        for (const p of pages) {
          const shot = await captureConsolePage(session.context, a.urlFor(p.url), {
            signinBase: consoleUrl,
            settleSelector: a.settleSelector,
            timeoutMs: 20_000,
            secrets: session.secrets,
            identity: p.identity,
          });
          shots.push(shot.png);
        }
        return shots;
      } finally {
        await session.context.close();
      }
    }

    for (const [kind, first, second] of [
      ['KMS keys', key(KEY_ID), key(OTHER_KEY_ID)],
      ['Config rules', rule(RULES[0]), rule(RULES[1])],
    ] as const) {
      it(`${kind}: each image shows its own resource, in both orders`, async () => {
        // The reference: each page captured alone, on the first page of its context.
        const [alone1] = await captureInOrder([first]);
        const [alone2] = await captureInOrder([second]);
        expect(alone1!.equals(alone2!)).toBe(false);
        const forward = await captureInOrder([first, second]);
        const backward = await captureInOrder([second, first]);
        expect(forward[1]!.equals(alone2!), 'second page after the first shows the second resource').toBe(
          true,
        );
        expect(backward[1]!.equals(alone1!), 'first page after the second shows the first resource').toBe(
          true,
        );
      });
    }
  });

  it('records a gap, and keeps no image, when the console page shows another resource', async () => {
    const { workDir, snapshot } = await writeCaptureEstate({ sandbox: true });
    const plan = selectCaptureTargets({
      snapshot,
      settings: { maxKeyBuckets: 0, sampleSize: 0 },
      isSensitive: () => true,
    });
    const result = await captureScreenshots({
      mode: 'console',
      plan,
      snapshot,
      workDir,
      browser,
      console: access(),
      // A console link that opens another key than the one the stamp would name.
      consoleUrls: {
        kmsKey: `https://{region}.console.aws.amazon.com/kms/home?region={region}#/kms/keys/${OTHER_KEY_ID}`,
      },
      concurrency: 1,
      timeoutMs: 2_000,
    });
    expect(result.images.map((i) => i.resource)).not.toContain(KEY_ARN);
    expect(result.images.length).toBeGreaterThan(0); // the other pages are kept
    const gap = result.gaps.find((g) => g.item.startsWith('console console_kms-key_'));
    expect(gap?.reason).toMatch(
      new RegExp(
        `did not show key id ${KEY_ID} .*showed another resource.*Key ${OTHER_KEY_ID}.*failed again on a fresh page`,
      ),
    );
    const files = await readdir(join(workDir, 'screenshots'));
    expect(files.some((f) => f.includes(KEY_ID))).toBe(false);
  });

  it('sends a browser without a session to the sign-in page, and capture refuses it', async () => {
    const page = `${consoleUrl}/_console/s3.console.aws.amazon.com/s3/settings?region=us-east-1`;
    const res = await fetch(page, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/_console/signin');
    const context = await browser.newContext();
    try {
      await expect(
        captureConsolePage(context, page, { signinBase: consoleUrl, timeoutMs: 20_000, secrets: [] }),
      ).rejects.toThrow(/sign-in page shown/);
    } finally {
      await context.close();
    }
  });

  it('records a gap for every console page when sign-in is refused, without the credentials in it', async () => {
    const { workDir, snapshot } = await writeCaptureEstate({ sandbox: true });
    const plan = selectCaptureTargets({
      snapshot,
      settings: { maxKeyBuckets: 1, sampleSize: 0 },
      isSensitive: () => true,
    });
    const bogus = {
      accessKeyId: 'ASIABOGUSKEY00000001',
      secretAccessKey: 'bogus-secret-value-xyz',
      sessionToken: 'bogus-session-token-xyz',
    };
    const result = await captureScreenshots({
      mode: 'both',
      plan,
      snapshot,
      workDir,
      browser,
      console: access({ credentials: async () => bogus }),
      concurrency: 2,
      timeoutMs: 20_000,
    });
    const consoleGaps = result.gaps.filter((g) => g.item.startsWith('console '));
    expect(consoleGaps).toHaveLength(6);
    for (const gap of consoleGaps) {
      expect(gap.reason).toContain('federation endpoint answered HTTP 400');
      for (const secret of Object.values(bogus)) expect(gap.reason).not.toContain(secret);
    }
    // API views still captured
    expect(result.images.filter((i) => i.kind === 'api-view').length).toBeGreaterThan(0);
    expect(result.images.every((i) => i.kind === 'api-view')).toBe(true);
  });

  it('records console capture as a gap when no sign-in is configured', async () => {
    const { workDir, snapshot } = await writeCaptureEstate({ sandbox: true });
    const plan = selectCaptureTargets({
      snapshot,
      settings: { maxKeyBuckets: 0, sampleSize: 0 },
      isSensitive: () => true,
    });
    const result = await captureScreenshots({
      mode: 'console',
      plan,
      snapshot,
      workDir,
      browser,
      concurrency: 1,
      timeoutMs: 20_000,
    });
    expect(result.images).toEqual([]);
    expect(result.gaps.map((g) => g.reason)).toContain(
      'console capture skipped: no console sign-in configured',
    );
  });
});
