import { generateKeyPairSync } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { canonicalJsonBytes } from '../../src/pack/canonical-json.ts';
import { ed25519SignerFromPem } from '../../src/pack/sign.ts';
import type { Signer } from '../../src/pack/sign.ts';
import { formatVerifyReport, verifyPack } from '../../src/pack/verify.ts';
import type { VerifyReport } from '../../src/pack/verify.ts';
import { writePack } from '../../src/pack/write-pack.ts';
import { sha256Hex } from '../../src/pack/pack-paths.ts';
import {
  FIXED_TIME,
  PACK_NAME,
  manifestInput,
  recomputeSums,
  flipByte,
  sampleFiles,
  tamperPack,
  tempDir,
} from './helpers.ts';

function newKey(): { signer: Signer; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    signer: ed25519SignerFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

async function freshPack(signer?: Signer): Promise<string> {
  const pack = await writePack({
    outDir: await tempDir(),
    name: PACK_NAME,
    files: sampleFiles(),
    manifest: manifestInput(),
    fixedTime: FIXED_TIME,
    ...(signer ? { signer } : {}),
  });
  return pack.zipPath;
}

/** The problems as `kind path` strings, sorted, for exact comparison. */
function kinds(report: VerifyReport): string[] {
  return report.problems.map((p) => `${p.kind} ${p.path ?? '-'}`).sort();
}

function editManifest(files: Map<string, Buffer>, edit: (m: Record<string, unknown>) => void): void {
  const manifest = JSON.parse(files.get('manifest.json')!.toString()) as Record<string, unknown>;
  edit(manifest);
  files.set('manifest.json', canonicalJsonBytes(manifest));
}

describe('verifyPack', () => {
  const key = newKey();

  it('accepts an untouched signed pack', async () => {
    const zip = await freshPack(key.signer);
    const report = await verifyPack(zip, { publicKeyPem: key.publicKeyPem, requireSidecar: true });
    expect(report).toMatchObject({ ok: true, problems: [], files: sampleFiles().length + 4 });
    expect(formatVerifyReport(report)).toMatch(/^OK: .*\n[\s\S]*verified \(with the trusted public key/);
  });

  describe('tamper matrix', () => {
    it('a changed byte in a file is named, against both lists', async () => {
      const zip = await freshPack(key.signer);
      await tamperPack(zip, (f) => flipByte(f.get('findings/findings.json')!, 5, 0x01));
      const report = await verifyPack(zip, { publicKeyPem: key.publicKeyPem });
      expect(report.ok).toBe(false);
      expect(kinds(report)).toEqual(['changed findings/findings.json']);
      expect(report.problems[0]!.detail).toMatch(/manifest\.json .* and SHA256SUMS/);
    });

    it('a byte flipped inside the ZIP itself is caught by the sidecar and names the entry', async () => {
      const zip = await freshPack();
      const bytes = await readFile(zip);
      const at = bytes.indexOf('inventory/buckets.csv') + 'inventory/buckets.csv'.length + 2;
      flipByte(bytes, at);
      await writeFile(zip, bytes);
      expect(kinds(await verifyPack(zip))).toEqual(['changed inventory/buckets.csv', 'sidecar-mismatch -']);
    });

    it('a removed file is missing', async () => {
      const zip = await freshPack(key.signer);
      await tamperPack(zip, (f) => f.delete('inventory/buckets.csv'));
      expect(kinds(await verifyPack(zip, { publicKeyPem: key.publicKeyPem }))).toEqual([
        'missing inventory/buckets.csv',
      ]);
    });

    it('an added file is extra, even when slipped into SHA256SUMS', async () => {
      const zip = await freshPack(key.signer);
      await tamperPack(zip, (f) => f.set('screenshots/fake.png', Buffer.from('not a real screenshot')));
      expect(kinds(await verifyPack(zip, { publicKeyPem: key.publicKeyPem }))).toEqual([
        'extra screenshots/fake.png',
      ]);

      const zip2 = await freshPack(key.signer);
      await tamperPack(zip2, (f) => {
        f.set('screenshots/fake.png', Buffer.from('not a real screenshot'));
        recomputeSums(f);
      });
      expect(kinds(await verifyPack(zip2, { publicKeyPem: key.publicKeyPem }))).toEqual([
        'extra screenshots/fake.png',
        'manifest-sums-mismatch screenshots/fake.png',
      ]);
    });

    it('a consistently rewritten file, manifest and SHA256SUMS is caught only by the signature', async () => {
      const zip = await freshPack(key.signer);
      await tamperPack(zip, (f) => {
        const forged = Buffer.from('checkId,status\nbpa.account,pass\n');
        f.set('findings/findings.csv', forged);
        editManifest(f, (m) => {
          const list = m.files as { path: string; sha256: string; bytes: number }[];
          const entry = list.find((e) => e.path === 'findings/findings.csv')!;
          entry.sha256 = sha256Hex(forged);
          entry.bytes = forged.length;
        });
        recomputeSums(f);
      });
      const trusted = await verifyPack(zip, { publicKeyPem: key.publicKeyPem });
      expect(kinds(trusted)).toEqual(['bad-signature manifest.json', 'bad-signature manifest.json.sig']);
      // Without a trusted key the signature still fails under the pack's own key.
      const untrusted = await verifyPack(zip);
      expect(untrusted.ok).toBe(false);
      expect(kinds(untrusted)).toContain('bad-signature manifest.json.sig');
    });

    it('SHA256SUMS disagreeing with manifest.json is reported along with the file it misdescribes', async () => {
      const zip = await freshPack();
      await tamperPack(zip, (f) => {
        const sums = f
          .get('SHA256SUMS')!
          .toString()
          .replace(/^[0-9a-f]{64}(?= {2}report\.pdf$)/m, 'a'.repeat(64));
        f.set('SHA256SUMS', Buffer.from(sums));
      });
      expect(kinds(await verifyPack(zip))).toEqual([
        'changed report.pdf',
        'manifest-sums-mismatch report.pdf',
      ]);
    });

    it('an edited sidecar is a mismatch', async () => {
      const zip = await freshPack();
      await writeFile(`${zip}.sha256`, `${'0'.repeat(64)}  ${PACK_NAME}.zip\n`);
      expect(kinds(await verifyPack(zip))).toEqual(['sidecar-mismatch -']);
    });

    it('a missing sidecar is a warning unless required', async () => {
      const zip = await freshPack();
      await rm(`${zip}.sha256`);
      const lenient = await verifyPack(zip);
      expect(lenient.ok).toBe(true);
      expect(lenient.problems).toMatchObject([{ kind: 'sidecar-missing', severity: 'warning' }]);
      const strict = await verifyPack(zip, { requireSidecar: true });
      expect(strict.ok).toBe(false);
      expect(strict.problems).toMatchObject([{ kind: 'sidecar-missing', severity: 'error' }]);
    });

    it('a pack signed by another key is untrusted, never accepted on its embedded key', async () => {
      const attacker = newKey();
      const zip = await freshPack(attacker.signer);
      const report = await verifyPack(zip, { publicKeyPem: key.publicKeyPem });
      expect(report.ok).toBe(false);
      expect(kinds(report)).toEqual(['bad-signature manifest.json.sig', 'untrusted-key signature.json']);
    });

    it('a removed signature is missing when a key is given or a signature is required', async () => {
      const zip = await freshPack(key.signer);
      await tamperPack(zip, (f) => {
        f.delete('signature.json');
        f.delete('manifest.json.sig');
        recomputeSums(f);
      });
      expect(kinds(await verifyPack(zip, { publicKeyPem: key.publicKeyPem }))).toEqual([
        'missing-signature signature.json',
      ]);
      expect(kinds(await verifyPack(zip, { requireSignature: true }))).toEqual([
        'missing-signature signature.json',
      ]);
      expect((await verifyPack(zip)).ok).toBe(true);
    });

    it('several tamperings at once are all reported', async () => {
      const zip = await freshPack(key.signer);
      await tamperPack(zip, (f) => {
        f.delete('report.pdf');
        f.set('evil.txt', Buffer.from('x'));
        flipByte(f.get('raw/111122223333/s3/eu-west-1.jsonl')!, 0, 0x20);
      });
      await writeFile(`${zip}.sha256`, 'garbage\n');
      expect(kinds(await verifyPack(zip, { publicKeyPem: key.publicKeyPem }))).toEqual([
        'changed raw/111122223333/s3/eu-west-1.jsonl',
        'extra evil.txt',
        'missing report.pdf',
        'sidecar-mismatch -',
      ]);
    });

    it('a file that is not a ZIP is unreadable', async () => {
      const zip = await freshPack();
      await writeFile(zip, 'this is not a zip file at all, just text');
      const report = await verifyPack(zip);
      expect(kinds(report)).toEqual(['sidecar-mismatch -', 'unreadable -']);
      expect(formatVerifyReport(report)).toMatch(/^FAILED: /);
    });
  });
});
