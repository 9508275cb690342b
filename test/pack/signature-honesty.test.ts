import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ed25519SignerFromPem, publicKeyFingerprint } from '../../src/pack/sign.ts';
import { formatVerifyReport, verifyPack } from '../../src/pack/verify.ts';
import { writePack } from '../../src/pack/write-pack.ts';
import { runCli } from '../e2e/cli.ts';
import {
  FIXED_TIME,
  PACK_NAME,
  manifestInput,
  recomputeSums,
  sampleFiles,
  tamperPack,
  tempDir,
} from './helpers.ts';

function newKey() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    signer: ed25519SignerFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

async function signedPack(signer?: ReturnType<typeof newKey>['signer']): Promise<string> {
  const dir = await tempDir();
  const pack = await writePack({
    outDir: dir,
    name: PACK_NAME,
    files: sampleFiles(),
    manifest: manifestInput(),
    fixedTime: FIXED_TIME,
    ...(signer ? { signer } : {}),
  });
  return pack.zipPath;
}

describe('signatures read honestly', () => {
  it('without a trusted key: "present, NOT verified" and the fingerprint computed from the embedded key, not the claimed id', async () => {
    const key = newKey();
    const zip = await signedPack(key.signer);
    // A tamperer relabels the signature as made by the company's KMS key.
    await tamperPack(zip, (files) => {
      const sig = JSON.parse(files.get('signature.json')!.toString()) as Record<string, unknown>;
      sig.keyId = 'arn:aws:kms:us-east-1:111122223333:key/company-signing-key';
      files.set('signature.json', Buffer.from(JSON.stringify(sig)));
      recomputeSums(files);
    });
    const report = await verifyPack(zip);
    expect(report.ok).toBe(true);
    expect(report.signature?.status).toBe('unverified');
    expect(report.signature?.embeddedKeyFingerprint).toBe(publicKeyFingerprint(key.publicKeyPem));
    const text = formatVerifyReport(report);
    expect(text).toContain('signature:        present, NOT verified (no trusted key given)');
    expect(text).toContain(`embedded key sha256:${publicKeyFingerprint(key.publicKeyPem)}`);
    expect(text).toMatch(
      /claimed key id: +arn:aws:kms:.*company-signing-key \(a label in signature\.json, not proof/,
    );
  });

  it('--require-signature: an unsigned pack and an unverified signature exit 1; with the trusted key, 0', async () => {
    const key = newKey();
    const unsigned = await signedPack();
    expect((await runCli(['verify', unsigned, '--require-signature'])).code).toBe(1);
    expect((await runCli(['verify', unsigned])).code).toBe(0);
    const signed = await signedPack(key.signer);
    const noKey = await runCli(['verify', signed, '--require-signature']);
    expect(noKey.code).toBe(1);
    expect(noKey.stdout).toContain('present, NOT verified (no trusted key given)');
    const pem = join(await tempDir(), 'pub.pem');
    await writeFile(pem, key.publicKeyPem);
    const trusted = await runCli(['verify', signed, '--require-signature', '--public-key', pem]);
    expect(trusted.code, trusted.stdout).toBe(0);
    expect(trusted.stdout).toContain(
      `verified (with the trusted public key, sha256:${publicKeyFingerprint(key.publicKeyPem)})`,
    );
  }, 60_000);

  it('a swapped key names both fingerprints, computed, in one consistent message', async () => {
    const signer = newKey();
    const trusted = newKey();
    const zip = await signedPack(signer.signer);
    const report = await verifyPack(zip, { publicKeyPem: trusted.publicKeyPem });
    expect(report.ok).toBe(false);
    const untrusted = report.problems.find((p) => p.kind === 'untrusted-key');
    expect(untrusted?.detail).toBe(
      `the key embedded in the pack (sha256:${publicKeyFingerprint(signer.publicKeyPem)}) is not ` +
        `the trusted key (sha256:${publicKeyFingerprint(trusted.publicKeyPem)})`,
    );
    expect(formatVerifyReport(report)).toContain('signature:        INVALID');
  });
});
