import { spawnSync } from 'node:child_process';
import { constants, generateKeyPairSync, privateEncrypt } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetPublicKeyCommand, SignCommand, VerifyCommand } from '@aws-sdk/client-kms';
import { kmsVerifier } from '../../src/pack/kms-verify.ts';
import type { KMSClient } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { renderPackReadme } from '../../src/render/readme-txt.ts';
import { ed25519SignerFromFile, kmsSigner } from '../../src/pack/sign.ts';
import type { Signer } from '../../src/pack/sign.ts';
import { verifyPack } from '../../src/pack/verify.ts';
import { writePack } from '../../src/pack/write-pack.ts';
import { readPackEntries } from '../../src/pack/zip-reader.ts';
import {
  FIXED_TIME,
  PACK_NAME,
  hasTool,
  manifestInput,
  readmeRunFacts,
  sampleFiles,
  tempDir,
} from './helpers.ts';

const KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** DER prefix of a PKCS#1 v1.5 DigestInfo for SHA-256. */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/** A KMS stand-in that signs digests with a local key, as KMS does with MessageType DIGEST. */
function fakeKms(kind: 'ec' | 'rsa') {
  const { privateKey, publicKey } =
    kind === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signRequests: unknown[] = [];
  const keyFile = join(mkdtempSync(join(tmpdir(), 'fake-kms-')), 'key.pem');
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const client = {
    send(command: unknown): Promise<unknown> {
      if (command instanceof GetPublicKeyCommand) {
        return Promise.resolve({
          KeyId: KEY_ARN,
          KeySpec: kind === 'ec' ? 'ECC_NIST_P256' : 'RSA_2048',
          KeyUsage: 'SIGN_VERIFY',
          SigningAlgorithms:
            kind === 'ec' ? ['ECDSA_SHA_256'] : ['RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PSS_SHA_256'],
          PublicKey: publicKey.export({ type: 'spki', format: 'der' }),
        });
      }
      if (command instanceof SignCommand) {
        signRequests.push(command.input);
        const digest = Buffer.from(command.input.Message!);
        // Sign the precomputed digest without hashing it again, as KMS does for MessageType DIGEST.
        const signature =
          kind === 'ec'
            ? spawnSync('openssl', ['pkeyutl', '-sign', '-inkey', keyFile], { input: digest }).stdout
            : privateEncrypt(
                { key: privateKey, padding: constants.RSA_PKCS1_PADDING },
                Buffer.concat([SHA256_DIGEST_INFO, digest]),
              );
        return Promise.resolve({
          Signature: signature,
          KeyId: KEY_ARN,
          SigningAlgorithm: command.input.SigningAlgorithm,
        });
      }
      return Promise.reject(new Error('unexpected command'));
    },
  };
  return {
    client: client as unknown as KMSClient,
    signRequests,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

async function ed25519KeyFile(dir: string): Promise<{ path: string; publicKeyPem: string }> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const path = join(dir, 'signing-key.pem');
  await writeFile(path, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return { path, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** Writes a signed pack whose README is rendered for that signer; returns where it went. */
async function signedPack(signer: Signer) {
  const outDir = await tempDir();
  const files = sampleFiles().filter((f) => f.path !== 'README.txt');
  const readme = renderPackReadme({
    zipName: `${PACK_NAME}.zip`,
    ...manifestInput(),
    ...readmeRunFacts(),
    generatedAt: FIXED_TIME.toISOString(),
    files: files.map((f) => f.path),
    signature: { algorithm: signer.algorithm, keyId: signer.keyId },
  });
  files.push({ path: 'README.txt', content: readme });
  const pack = await writePack({
    outDir,
    name: PACK_NAME,
    files,
    manifest: manifestInput(),
    fixedTime: FIXED_TIME,
    signer,
  });
  return { outDir, pack, readme };
}

/** Runs the openssl lines of README.txt, as an auditor would, in the unzipped pack. */
async function runReadmeOpenssl(zipPath: string, readme: string, publicKeyPem: string) {
  const dir = join(await tempDir(), 'unzipped');
  await mkdir(dir);
  for (const [path, data] of await readPackEntries(zipPath)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), data);
  }
  await writeFile(join(dir, 'pub.pem'), publicKeyPem);
  const commands = readme
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('openssl ') && l.includes('-verify'));
  expect(commands).toHaveLength(1);
  return spawnSync('sh', ['-c', commands[0]!], { cwd: dir, encoding: 'utf8' });
}

describe('signing', () => {
  it('signs manifest.json with Ed25519 and verify accepts it only with the trusted key', async () => {
    const keyDir = await tempDir();
    const key = await ed25519KeyFile(keyDir);
    const signer = await ed25519SignerFromFile(key.path);
    const { pack } = await signedPack(signer);
    const files = await readPackEntries(pack.zipPath);
    const sig = JSON.parse(files.get('signature.json')!.toString()) as Record<string, string>;
    expect(sig.algorithm).toBe('ED25519');
    expect(sig.signedFile).toBe('manifest.json');
    expect(Buffer.from(sig.signatureBase64!, 'base64').equals(files.get('manifest.json.sig')!)).toBe(true);

    const trusted = await verifyPack(pack.zipPath, { publicKeyPem: key.publicKeyPem });
    expect(trusted.problems).toEqual([]);
    expect(trusted.signature?.status).toBe('verified');
    const untrusted = await verifyPack(pack.zipPath);
    expect(untrusted.ok).toBe(true);
    expect(untrusted.signature?.status).toBe('unverified');
  });

  it.skipIf(!hasTool('openssl'))('the README openssl command verifies an Ed25519-signed pack', async () => {
    const key = await ed25519KeyFile(await tempDir());
    const { pack, readme } = await signedPack(await ed25519SignerFromFile(key.path));
    const r = await runReadmeOpenssl(pack.zipPath, readme, key.publicKeyPem);
    expect(r.stdout + r.stderr).toContain('Signature Verified Successfully');
    expect(r.status).toBe(0);
    const other = await ed25519KeyFile(await tempDir());
    const bad = await runReadmeOpenssl(pack.zipPath, readme, other.publicKeyPem);
    expect(bad.status).not.toBe(0);
  });

  for (const kind of ['ec', 'rsa'] as const) {
    // No raw-digest ECDSA in node:crypto: the fake KMS uses `openssl pkeyutl` for P-256.
    it.skipIf(kind === 'ec' && !hasTool('openssl'))(
      `signs through KMS (${kind}) with MessageType DIGEST over the manifest's SHA-256`,
      async () => {
        const kms = fakeKms(kind);
        const signer = await kmsSigner(kms.client, 'alias/evidence-pack');
        expect(signer.keyId).toBe(KEY_ARN);
        expect(signer.algorithm).toBe(kind === 'ec' ? 'ECDSA_SHA_256' : 'RSASSA_PKCS1_V1_5_SHA_256');
        const { pack, readme } = await signedPack(signer);
        const report = await verifyPack(pack.zipPath, { publicKeyPem: kms.publicKeyPem });
        expect(report.problems).toEqual([]);
        expect(kms.signRequests).toEqual([
          {
            KeyId: KEY_ARN,
            Message: Buffer.from(report.manifestSha256, 'hex'),
            MessageType: 'DIGEST',
            SigningAlgorithm: signer.algorithm,
          },
        ]);
        if (hasTool('openssl')) {
          const r = await runReadmeOpenssl(pack.zipPath, readme, kms.publicKeyPem);
          expect(r.stdout).toContain('Verified OK');
        }
      },
    );
  }

  it.skipIf(!hasTool('openssl'))(
    'verifies through a KMS verifier when one is given instead of a key',
    async () => {
      const kms = fakeKms('ec');
      const { pack } = await signedPack(await kmsSigner(kms.client, KEY_ARN));
      const seen: string[] = [];
      const ok = await verifyPack(pack.zipPath, {
        kmsVerify: (digest, _sig, algorithm) => {
          seen.push(`${algorithm}:${digest.toString('hex')}`);
          return Promise.resolve(true);
        },
      });
      expect(ok.signature).toMatchObject({ status: 'verified', trustedBy: 'kms' });
      expect(seen).toEqual([`ECDSA_SHA_256:${ok.manifestSha256}`]);
      const refused = await verifyPack(pack.zipPath, { kmsVerify: () => Promise.resolve(false) });
      expect(refused.problems.map((p) => p.kind)).toEqual(['bad-signature']);
    },
  );

  it('kmsVerifier asks KMS Verify with the digest and maps an invalid signature to false', async () => {
    const calls: unknown[] = [];
    const client = {
      send(command: unknown): Promise<unknown> {
        if (!(command instanceof VerifyCommand)) return Promise.reject(new Error('unexpected command'));
        calls.push(command.input);
        if (Buffer.from(command.input.Signature!).toString() === 'good')
          return Promise.resolve({ SignatureValid: true });
        return Promise.reject(Object.assign(new Error('invalid'), { name: 'KMSInvalidSignatureException' }));
      },
    } as unknown as KMSClient;
    const verify = kmsVerifier(client, KEY_ARN);
    const digest = Buffer.alloc(32, 7);
    expect(await verify(digest, Buffer.from('good'), 'ECDSA_SHA_256')).toBe(true);
    expect(await verify(digest, Buffer.from('bad'), 'ECDSA_SHA_256')).toBe(false);
    expect(await verify(digest, Buffer.from('good'), 'ED25519')).toBe(false);
    expect(calls).toEqual([
      {
        KeyId: KEY_ARN,
        Message: digest,
        MessageType: 'DIGEST',
        Signature: Buffer.from('good'),
        SigningAlgorithm: 'ECDSA_SHA_256',
      },
      {
        KeyId: KEY_ARN,
        Message: digest,
        MessageType: 'DIGEST',
        Signature: Buffer.from('bad'),
        SigningAlgorithm: 'ECDSA_SHA_256',
      },
    ]);
  });

  it('refuses a KMS key that cannot sign with a supported algorithm', async () => {
    const client = {
      send: () =>
        Promise.resolve({
          KeyId: KEY_ARN,
          KeySpec: 'ECC_NIST_P384',
          KeyUsage: 'SIGN_VERIFY',
          PublicKey: new Uint8Array(),
        }),
    } as unknown as KMSClient;
    await expect(kmsSigner(client, KEY_ARN)).rejects.toThrow(/ECC_NIST_P384/);
  });

  it('refuses to write a pack with a signer whose signature does not match its public key', async () => {
    const signer = await ed25519SignerFromFile((await ed25519KeyFile(await tempDir())).path);
    const liar: Signer = { ...signer, publicKeyPem: (await ed25519KeyFile(await tempDir())).publicKeyPem };
    const outDir = await tempDir();
    await expect(
      writePack({
        outDir,
        name: PACK_NAME,
        files: sampleFiles(),
        manifest: manifestInput(),
        fixedTime: FIXED_TIME,
        signer: liar,
      }),
    ).rejects.toThrow(/does not verify/);
  });
});

describe('README.txt', () => {
  it('labels sandbox data and explains verification', () => {
    const base = {
      zipName: `${PACK_NAME}.zip`,
      ...manifestInput(),
      ...readmeRunFacts(),
      generatedAt: FIXED_TIME.toISOString(),
      files: ['report.pdf', 'raw/a.jsonl'],
      signature: null,
    };
    const real = renderPackReadme(base);
    const sandbox = renderPackReadme({ ...base, sandbox: true });
    expect(real).not.toContain('SANDBOX');
    expect(sandbox).toContain('SANDBOX DATA');
    expect(real).toContain(`sha256sum -c ${PACK_NAME}.zip.sha256`);
    expect(real).toContain('sha256sum -c SHA256SUMS');
    expect(real).toContain('raw/');
    expect(real).not.toContain('screenshots/');
    expect(real).not.toContain('openssl');
  });

  it('names the exact tool version to verify with, after the no-install route, and runs nothing unpinned', () => {
    const readme = renderPackReadme({
      zipName: `${PACK_NAME}.zip`,
      ...manifestInput(),
      ...readmeRunFacts(),
      tool: { name: 'evidence-pack', version: '1.2.3' },
      generatedAt: FIXED_TIME.toISOString(),
      files: ['report.pdf'],
      signature: null,
    });
    expect(readme).toContain('npm install --global evidence-pack@1.2.3');
    expect(readme).toContain(`evidence-pack verify ${PACK_NAME}.zip`);
    expect(readme.indexOf('sha256sum -c SHA256SUMS')).toBeLessThan(readme.indexOf('npm install'));
    // No npx or npm line that would fetch whatever version is newest.
    for (const line of readme.split('\n').filter((l) => /\b(npx|npm)\b/.test(l))) {
      expect(line).toMatch(/evidence-pack@1\.2\.3\b/);
    }
  });

  it('records who ran it, how, with which code and when, and how every digest is computed', () => {
    const facts = readmeRunFacts();
    const text = renderPackReadme({
      zipName: `${PACK_NAME}.zip`,
      ...manifestInput(),
      ...facts,
      generatedAt: FIXED_TIME.toISOString(),
      files: ['report.pdf', 'config/effective-config.json'],
      signature: null,
    });
    expect(text).toContain('Operator:           auditor@build-01');
    expect(text).toContain('Command line:       evidence-pack run --profile audit');
    expect(text).toContain(`Tool code digest:   ${facts.provenance.codeDigest}`);
    expect(text).toContain('Screenshots:        2026-11-26T18:52:01Z to 2026-11-26T18:52:30Z (UTC)');
    expect(text).toContain('Report rendered:    2026-11-26T18:52:31Z to 2026-11-26T18:52:40Z (UTC)');
    expect(text).toContain(`Evidence digest:    ${facts.evidenceDigest}`);
    expect(text).toContain('sha256sum config/effective-config.json');
    expect(text).toMatch(/grep -v -E .*SHA256SUMS \| sha256sum/);
    expect(text).toContain(
      "find package.json bin dist templates -type f ! -name '*.tsbuildinfo' | LC_ALL=C sort | xargs sha256sum | sha256sum",
    );
  });
});
