import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readPackEntries } from '../../src/pack/zip-reader.ts';
import { writeDeterministicZip } from '../../src/pack/zip-writer.ts';
import { leastPrivilegePolicy } from '../../src/collect/iam-policy.ts';
import { DEMO_CREDENTIALS } from '../../src/sandbox/scenarios/demo.ts';
import { runCli } from './cli.ts';

/**
 * The README's first command, end to end: `evidence-pack demo` writes a real pack from the
 * in-process sandbox; `verify` accepts it and names any file changed afterwards.
 */
/** The report's text (pdftotext; `layout` keeps table rows on one line). */
function pdfTextOf(pdf: Buffer, layout: boolean): string {
  return execFileSync('pdftotext', [...(layout ? ['-layout'] : []), '-', '-'], {
    input: pdf,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

describe('evidence-pack demo → verify', () => {
  let out: string;
  let zip: string;
  let entries: Map<string, Buffer>;
  const pdfText = (path: string, layout = false) => pdfTextOf(entries.get(path) ?? Buffer.alloc(0), layout);

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'ep-demo-'));
    const run = await runCli(['demo', '--out', out, '--json']);
    expect(run.stderr).not.toMatch(/NodeVersionSupportWarning/);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as { pack: string; sha256: string };
    zip = summary.pack;
    entries = await readPackEntries(zip);
  }, 240_000);

  it('writes the pack and its sidecar, and nothing that looks unfinished', async () => {
    const names = await readdir(out);
    const packs = names.filter((n) => n.endsWith('.zip'));
    expect(packs).toHaveLength(1);
    expect(packs[0]).toMatch(/^evidence-pack_acme-corp-demo_\d{8}T\d{6}Z\.zip$/);
    expect(names).toContain(`${packs[0]}.sha256`);
    // Only the marker that makes the folder the tool's to clean; no work or partial file.
    expect(names.filter((n) => n.startsWith('.'))).toEqual(['.evidence-pack-output']);
  });

  it('holds the contract files, raw records for every service, region and account', () => {
    for (const f of ['manifest.json', 'SHA256SUMS', 'README.txt', 'report.pdf', 'snapshot.json']) {
      expect(entries.has(f), f).toBe(true);
    }
    for (const f of [
      'findings/findings.json',
      'findings/findings.csv',
      'inventory/buckets.csv',
      'inventory/kms-keys.csv',
    ]) {
      expect(entries.has(f), f).toBe(true);
    }
    const raw = [...entries.keys()].filter((p) => p.startsWith('raw/'));
    // One file per service and region, whatever the number of accounts; each record names its account.
    for (const expected of [
      'raw/s3/us-east-1.jsonl',
      'raw/s3/eu-west-1.jsonl',
      'raw/s3control/us-east-1.jsonl',
      'raw/kms/us-east-1.jsonl',
      'raw/config/eu-west-1.jsonl',
      'raw/cloudtrail/us-east-1.jsonl',
      'raw/s3/us-west-2.jsonl',
    ]) {
      expect(raw, expected).toContain(expected);
    }
    expect(raw.filter((p) => p.split('/').length !== 3)).toEqual([]);
    const accountsIn = (p: string) =>
      (entries.get(p)?.toString() ?? '')
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { accountId: string }).accountId);
    const s3 = accountsIn('raw/s3/us-east-1.jsonl');
    expect(new Set(s3).size).toBeGreaterThan(1);
    // Whole accounts in account-id order.
    expect(s3).toEqual([...s3].sort());
    expect(accountsIn('raw/s3/us-west-2.jsonl')).toContain('444455556666');
    const line = entries.get('raw/s3/us-east-1.jsonl')?.toString().split('\n')[0] ?? '';
    const record = JSON.parse(line) as { requestId?: string; operation: string };
    expect(record.requestId).toMatch(/\S+/);
  });

  it('gives every catalogue check in the findings, with the outcomes the demo was built to show', () => {
    const doc = JSON.parse(entries.get('findings/findings.json')?.toString() ?? '{}') as {
      schema: string;
      results: {
        checkId: string;
        status: string;
        resource: { name: string };
        reason: string;
        deviation?: unknown;
      }[];
    };
    expect(doc.schema).toBe('evidence-pack/findings@1');
    // Today's results (deviations during the audit period are findings of their own).
    const status = (check: string, name: string) =>
      doc.results
        .filter((r) => r.checkId === check && r.resource.name === name && !r.deviation)
        .map((r) => r.status);
    expect(status('s3.not-public', 'acme-public-website')).toEqual(['excepted']);
    expect(status('s3.not-public', 'acme-legacy-uploads')).toEqual(['fail']);
    expect(status('s3.not-public', 'acme-ml-training-data')).toEqual(['insufficient-evidence']);
    expect(status('s3.default-encryption', 'acme-legacy-uploads')).toEqual(['fail']);
    expect(status('s3.default-encryption', 'acme-customer-data-prod')).toEqual(['pass']);
    expect(status('s3.sse-kms-cmk', 'acme-app-logs')).toEqual(['not-applicable']);
    expect(status('s3.sse-kms-cmk', 'acme-analytics-raw')).toEqual(['fail']);
    expect(status('s3.tls-only', 'acme-analytics-raw')).toEqual(['fail']);
    expect(status('s3.tls-only', 'acme-payments-archive')).toEqual(['pass']);
    expect(status('s3.deny-unencrypted-put', 'acme-payments-archive')).toEqual(['fail']);
    expect(status('s3.deny-unencrypted-put', 'acme-customer-data-prod')).toEqual(['pass']);
    expect(status('s3.sse-c-blocked', 'acme-hr-records')).toEqual(['pass']);
    expect(status('s3.sse-c-blocked', 'acme-payments-archive')).toEqual(['fail']);
    expect(status('s3.sse-c-blocked', 'acme-app-logs')).toEqual(['not-applicable']);
    expect(status('s3.bucket-key', 'acme-eu-backups')).toEqual(['not-applicable']);
    const notPublicLogs = doc.results.find(
      (r) => r.checkId === 's3.not-public' && r.resource.name === 'acme-app-logs' && !r.deviation,
    );
    expect(notPublicLogs?.status).toBe('fail');
    const ids = new Set(doc.results.map((r) => r.checkId));
    expect(status('s3.no-external-access', 'acme-eu-partner-exchange')).toEqual(['fail']);
    expect(status('s3.no-external-access', 'acme-eu-customer-data')).toEqual(['pass']);
    expect(status('kms.rotation-enabled', 'alias/acme-eu-backups')).toEqual(['fail']);
    expect(status('s3.object-encryption-inventory', 'acme-payments-archive')).toEqual(['fail']);
    expect(
      doc.results.find(
        (r) => r.checkId === 's3.object-encryption-inventory' && r.resource.name === 'acme-payments-archive',
      )?.reason,
    ).toMatch(/3 unencrypted \(NOT-SSE\) and 1 SSE-S3 objects/);
    expect(status('s3.object-encryption-inventory', 'acme-eu-customer-data')).toEqual(['pass']);
    expect(status('s3.object-encryption-inventory', 'acme-customer-data-prod')).toEqual(['fail']);
    expect(status('s3.object-encryption-inventory', 'acme-ml-training-data')).toEqual([
      'insufficient-evidence',
    ]);
    expect(status('s3.object-encryption-inventory', 'acme-app-logs')).toEqual(['not-applicable']);
    expect(ids.size).toBe(23);
  });

  it('shows the week-long public exposure of the production bucket as a finding, with who opened and closed it', () => {
    const doc = JSON.parse(entries.get('findings/findings.json')?.toString() ?? '{}') as {
      results: {
        checkId: string;
        status: string;
        resource: { name: string };
        deviation?: {
          durationMs: number;
          opened: { eventName: string; userArn: string | null } | null;
          closed: { eventName: string; userArn: string | null } | null;
        };
      }[];
      period: {
        results: { checkId: string; status: string; cause?: string; resource: { name: string } }[];
        reconciliation: { resource: { name: string }; setting: string; events: { eventName: string }[] }[];
      };
    };
    const exposure = doc.results.find(
      (r) => r.deviation && r.checkId === 's3.not-public' && r.resource.name === 'acme-customer-data-prod',
    );
    expect(exposure?.status).toBe('fail');
    expect(exposure?.deviation?.opened?.eventName).toBe('PutBucketPolicy');
    expect(exposure?.deviation?.opened?.userArn).toMatch(/^arn:aws:iam::\d{12}:/);
    expect(exposure?.deviation?.closed?.eventName).toBe('PutBucketPolicy');
    expect(Math.round((exposure?.deviation?.durationMs ?? 0) / 86_400_000)).toBe(7);
    const csv = entries.get('findings/findings.csv')?.toString() ?? '';
    expect(csv).toMatch(
      /s3\.not-public.*acme-customer-data-prod.*DeleteBucketPolicy|s3\.not-public.*acme-customer-data-prod.*PutBucketPolicy/,
    );
    // Every bucket has a verdict per period check; the mid-period bucket is unknown with why.
    const buckets = new Set(doc.period.results.map((r) => r.resource.name));
    expect(buckets.size).toBe(20);
    expect(doc.period.results).toHaveLength(20 * 6);
    const mid = doc.period.results.find(
      (r) => r.resource.name === 'acme-reporting-exports' && r.checkId === 's3.not-public',
    );
    expect(mid).toMatchObject({ status: 'unknown', cause: 'created-during-period' });
    // The policy put back after the period is reconciled with its event.
    const after = doc.period.reconciliation.find((r) => r.resource.name === 'acme-hr-records');
    expect(after?.setting).toBe('bucket policy');
    expect(after?.events.map((e) => e.eventName)).toEqual(['PutBucketPolicy']);
    // The trail created before the quarter but started late is broken for its gap, a finding
    // closed by its StartLogging event (who, when, request id).
    const late = doc.results.find(
      (r) =>
        r.deviation &&
        r.checkId === 'cloudtrail.multi-region-logging' &&
        r.resource.name === 'acme-security-trail',
    );
    expect(late?.status).toBe('fail');
    expect(late?.deviation?.opened).toBeNull();
    expect(late?.deviation?.closed?.eventName).toBe('StartLogging');
    expect(late?.deviation?.closed?.userArn).toMatch(/^arn:aws:iam::\d{12}:/);
    expect(Math.round((late?.deviation?.durationMs ?? 0) / 86_400_000)).toBe(35);
    expect(csv).toMatch(/cloudtrail\.multi-region-logging.*acme-security-trail.*StartLogging/);
    const text = pdfText('report.pdf');
    expect(text).toContain('Reconciliation with today');
    expect(text).toContain('Monitoring over the period');
  });

  it("shows the public-read rule NON_COMPLIANT for the week of the exposure, citing the bucket's compliance history", () => {
    const doc = JSON.parse(entries.get('findings/findings.json')?.toString() ?? '{}') as {
      results: {
        checkId: string;
        status: string;
        reason: string;
        evidence: string[];
        resource: { name: string };
        deviation?: { durationMs: number };
      }[];
    };
    const rule = doc.results.find(
      (r) =>
        r.deviation && r.checkId === 'config.rule-compliant' && r.resource.name === 'acme-customer-data-prod',
    );
    expect(rule?.status).toBe('fail');
    expect(Math.round((rule?.deviation?.durationMs ?? 0) / 86_400_000)).toBe(7);
    expect(rule?.reason).toContain('"cpack-s3-public-read-prohibited-a1b2" reported NON_COMPLIANT');
    // The cited record is the GetResourceConfigHistory call that returned the compliance items.
    for (const ref of rule?.evidence ?? []) {
      const [file = '', id] = ref.split('#');
      const rec = (entries.get(file)?.toString() ?? '')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { id: string; operation?: string })
        .find((r) => r.id === id);
      expect(rec?.operation, ref).toBe('GetResourceConfigHistory');
      expect(JSON.stringify(rec)).toContain('AWS::Config::ResourceCompliance');
    }
    expect(rule?.evidence.length).toBeGreaterThan(0);
    // Only the changed bucket was re-evaluated: the stale COMPLIANT verdict of acme-app-logs stays.
    const appLogs = doc.results.filter(
      (r) => r.deviation && r.checkId === 'config.rule-compliant' && r.resource.name === 'acme-app-logs',
    );
    expect(appLogs).toEqual([]);
  });

  it('reads KMS key usage inside the audit period, lists the sensitive key operations, and says what the 90-day history misses', () => {
    const cfg = JSON.parse(entries.get('config/effective-config.json')?.toString() ?? '{}') as {
      period: { start: string; end: string };
    };
    const rows = (path: string) => {
      const [header = '', ...lines] = (entries.get(path)?.toString() ?? '').split('\r\n').filter(Boolean);
      const cols = header.split(',');
      return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i] ?? '', v])));
    };
    const inPeriod = (t: string) => {
      const ms = Date.parse(t.replace(' UTC', 'Z').replace(' ', 'T'));
      return ms >= Date.parse(cfg.period.start) && ms <= Date.parse(cfg.period.end);
    };
    const events = rows('inventory/key-usage-events.csv');
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(inPeriod(e.event_time ?? ''), e.event_time).toBe(true);
    const sensitive = rows('inventory/sensitive-key-operations.csv');
    // Rotation of the data key is switched off twice in the quarter (for two days, then for one).
    expect(sensitive.map((e) => e.event_name).sort()).toEqual([
      'DisableKeyRotation',
      'DisableKeyRotation',
      'PutKeyPolicy',
      'ScheduleKeyDeletion',
    ]);
    const text = pdfText('report.pdf').replace(/\s+/g, ' ');
    expect(text).toContain('Sensitive key operations');
    expect(text).toMatch(/not covered: .* \(CloudTrail event history \(LookupEvents\) keeps 90 days/);
  });

  it('reports every check of the account whose role was deleted as insufficient evidence, naming AssumeRole', () => {
    const doc = JSON.parse(entries.get('findings/findings.json')?.toString() ?? '{}') as {
      results: { checkId: string; status: string; reason: string; resource: { accountId: string } }[];
    };
    const snapshot = JSON.parse(entries.get('snapshot.json')?.toString() ?? '{}') as {
      organization: { accounts: { id: string; coverage: { status: string } }[] };
    };
    const gap = snapshot.organization.accounts.find((a) => a.coverage.status === 'gap');
    const ofGap = doc.results.filter((r) => r.resource.accountId === gap?.id);
    expect(ofGap.some((r) => r.checkId.startsWith('cloudtrail.'))).toBe(true);
    for (const r of ofGap) {
      expect(r.status, `${r.checkId}: ${r.reason}`).toBe('insufficient-evidence');
      expect(r.reason).toMatch(/AssumeRole into .* was denied \(AccessDenied, request id \S+\)/);
    }
  });

  it('puts the Block Public Access S3 policy on the root and shows the management account exempted from it', () => {
    const doc = JSON.parse(entries.get('findings/findings.json')?.toString() ?? '{}') as {
      results: {
        checkId: string;
        status: string;
        reason: string;
        resource: { accountId: string; name: string };
        deviation?: unknown;
      }[];
    };
    const bpa = doc.results.filter((r) => r.checkId === 's3.account-public-access-block');
    const management = bpa.filter((r) => r.resource.accountId === '111122223333');
    const today = management.find((r) => !r.deviation);
    expect(today?.status, today?.reason).toBe('fail');
    expect(today?.reason).toMatch(
      /^Account-level Block Public Access is missing BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets\. Organization S3 policy p-\w+ "acme-public-website-exemption" attached to the account itself sets public_access_block_configuration "none", overriding organization S3 policy p-\w+ "acme-block-public-access" attached to the root \(r-\w+\) \("all"\)/,
    );
    // The period's account Block Public Access history (before the organization) is unchanged.
    expect(management.filter((r) => r.deviation)).toHaveLength(3);
    // Every other account read passes on the root's policy.
    const members = bpa.filter(
      (r) => r.resource.accountId !== '111122223333' && r.status !== 'insufficient-evidence',
    );
    expect(members.length).toBeGreaterThanOrEqual(4);
    for (const r of members) {
      expect(r.status, r.reason).toBe('pass');
      expect(r.reason).toMatch(
        /enforced by organization S3 policy p-\w+ "acme-block-public-access" attached to the root/,
      );
    }
    // The public website stays excepted, not blocked.
    const website = doc.results.filter(
      (r) => r.resource.name === 'acme-public-website' && r.checkId === 's3.not-public',
    );
    expect(website.map((r) => r.status)).toEqual(['excepted', 'excepted']);
    const [header = '', ...rows] = (entries.get('inventory/accounts.csv')?.toString() ?? '')
      .split('\r\n')
      .filter(Boolean);
    expect(header).toContain('s3_policy_bpa');
    expect(rows.find((l) => l.includes(',acme-management,'))).toContain(
      '""none"" (account, overrides root ""all"")',
    );
  });

  it("makes no AWS call that the least-privilege policy (from the collectors' declared actions) does not allow", () => {
    // IAM action names that differ from the API operation's.
    const iamAction: Record<string, string> = {
      's3:ListBuckets': 's3:ListAllMyBuckets',
      's3:GetBucketEncryption': 's3:GetEncryptionConfiguration',
      's3:GetPublicAccessBlock': 's3:GetBucketPublicAccessBlock',
      's3control:GetPublicAccessBlock': 's3:GetAccountPublicAccessBlock',
      's3:ListBucketInventoryConfigurations': 's3:GetInventoryConfiguration',
      's3:ListObjectsV2': 's3:ListBucket',
      'tagging:GetResources': 'tag:GetResources',
    };
    const allowed = new Set(
      leastPrivilegePolicy().Statement.flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action])),
    );
    allowed.add('sts:GetCallerIdentity'); // needs no permission
    const called = new Set<string>();
    for (const [path, body] of entries) {
      if (!path.startsWith('raw/')) continue;
      for (const line of body.toString().split('\n').filter(Boolean)) {
        const r = JSON.parse(line) as { service: string; operation: string };
        const op = `${r.service}:${r.operation}`;
        called.add(iamAction[op] ?? op);
      }
    }
    expect(called.size).toBeGreaterThan(20);
    expect([...called].filter((a) => !allowed.has(a))).toEqual([]);
  });

  it('verify exits 0 on the intact pack', async () => {
    const run = await runCli(['verify', zip]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^OK/);
  });

  it('verify exits 1 and names the file when one byte of a file inside is flipped', async () => {
    const target = 'inventory/buckets.csv';
    const tampered = new Map(entries);
    const buf = Buffer.from(tampered.get(target) ?? Buffer.alloc(0));
    buf[10] = (buf[10] ?? 0) ^ 0x01;
    tampered.set(target, buf);
    const dir = await mkdtemp(join(tmpdir(), 'ep-tamper-'));
    const tamperedZip = join(dir, 'tampered.zip');
    await writeDeterministicZip(
      [...tampered].map(([path, content]) => ({ path, content })),
      createWriteStream(tamperedZip),
      { fixedTime: new Date('2026-01-01T00:00:00Z') },
    );
    const run = await runCli(['verify', tamperedZip, '--json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { ok: boolean; problems: { kind: string; path?: string }[] };
    expect(report.ok).toBe(false);
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'changed', path: target }));
  });

  it('rebuilds from the saved snapshot without AWS, byte-identically twice, and the rebuild verifies', async () => {
    const sums: string[] = [];
    // The same invocation twice (same command line, same operator, SOURCE_DATE_EPOCH pins the
    // rebuild's capture and render times), from two working directories.
    for (const dir of ['rebuild-a', 'rebuild-b']) {
      const cwd = join(out, dir);
      await mkdir(cwd, { recursive: true });
      const run = await runCli(['pack', '--from', zip, '--out', 'rebuilt', '--json', '--fail-on', 'none'], {
        cwd,
        env: { SOURCE_DATE_EPOCH: '1767225600' },
      });
      expect(run.code, run.stderr).toBe(0);
      const summary = JSON.parse(run.stdout) as { pack: string; sha256: string };
      expect((await runCli(['verify', summary.pack])).code).toBe(0);
      sums.push(summary.sha256);
    }
    expect(sums[0]).toBe(sums[1]);
  }, 300_000);

  it("lists the demo's contradictions in findings.json and the Cross-checks section, citing recorded calls", () => {
    const doc = JSON.parse(entries.get('findings/findings.json')?.toString() ?? '{}') as {
      summary: { crossChecks: number };
      crossChecks: {
        kind: string;
        resource: { name: string };
        subject: string;
        sources: { evidence: { record: string; requestId: string | null }[]; screenshots?: string[] }[];
      }[];
    };
    const found = doc.crossChecks.map((x) => `${x.kind} ${x.resource.name} ${x.subject}`);
    expect(found).toContain('config-rule-vs-check acme-app-logs public read access');
    expect(found).toContain('config-rule-vs-check acme-legacy-uploads default encryption');
    // GetBucketEncryption is denied for this bucket while its console Properties page shows the value.
    expect(found).toContain('denied-read-vs-console-page acme-ml-training-data default encryption');
    // The public-write rule is not contradicted by a bucket that is only publicly readable.
    expect(found).not.toContain('config-rule-vs-check acme-app-logs public write access');
    expect(doc.summary.crossChecks).toBe(doc.crossChecks.length);
    for (const x of doc.crossChecks) {
      expect(x.sources).toHaveLength(2);
      for (const s of x.sources) {
        // A read is cited by its recorded call, a console page by its screenshot in the pack.
        expect(s.evidence.length + (s.screenshots?.length ?? 0)).toBeGreaterThan(0);
        for (const shot of s.screenshots ?? []) expect(entries.has(shot), shot).toBe(true);
        for (const e of s.evidence) {
          const [file, id] = e.record.split('#');
          const lines =
            entries
              .get(file ?? '')
              ?.toString()
              .split('\n') ?? [];
          const rec = lines.filter(Boolean).map((l) => JSON.parse(l) as { id: string; requestId?: string });
          const hit = rec.find((r) => r.id === id);
          expect(hit, e.record).toBeDefined();
          expect(e.requestId).toBe(hit?.requestId ?? null);
        }
      }
    }
    const text = pdfText('report.pdf');
    const section = text.slice(text.indexOf('Cross-checks: where two sources disagree'));
    expect(section).toContain('acme-app-logs');
    expect(section).toContain('acme-legacy-uploads');
    expect(section).toContain('Denied read vs console page');
    const rc = JSON.parse(entries.get('findings/findings.json')?.toString() ?? '{}') as {
      results: { checkId: string; status: string; resource: { name: string } }[];
    };
    const ruleResults = rc.results.filter(
      (r) => r.checkId === 'config.rule-compliant' && r.resource.name === 'acme-app-logs',
    );
    expect(ruleResults.map((r) => r.status)).toContain('fail');
    // A rule that does not exist is config.rules-present's failure, not a gap per bucket.
    const scratch = rc.results.filter(
      (r) => r.checkId === 'config.rule-compliant' && r.resource.name === 'globex-dev-scratch',
    );
    expect(scratch.length).toBeGreaterThan(0);
    expect(new Set(scratch.map((r) => r.status))).toEqual(new Set(['not-applicable']));
  });

  it("makes the report's totals the sum of its criterion rows plus other checks, and counts each result once in All results", () => {
    const text = pdfText('report.pdf', true);
    const start = text.indexOf('Results by criterion');
    const table = text.slice(start, text.indexOf('Statuses:', start));
    const rows = table
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^(CC\d|Other checks|Sum of the rows|All results)/.test(l))
      .map((l) => ({
        label: l,
        n: (l.match(/(\d[\d,]*)(?=\s|$)/g) ?? []).slice(-7).map((x) => Number(x.replace(/,/g, ''))),
      }));
    const sum = rows.find((r) => r.label.startsWith('Sum of the rows'));
    const all = rows.find((r) => r.label.startsWith('All results'));
    const parts = rows.filter((r) => r !== sum && r !== all);
    // The headline criteria first, then the others by id, then the checks mapped to none.
    expect(parts.map((r) => r.label.slice(0, 5))).toEqual([
      'CC6.6',
      'CC7.2',
      'CC6.1',
      'CC6.7',
      'CC7.1',
      'Other',
    ]);
    expect(sum?.n).toHaveLength(7);
    for (let i = 0; i < 7; i++)
      expect(sum?.n[i], `column ${i}`).toBe(parts.reduce((s, r) => s + (r.n[i] ?? 0), 0));
    const doc = JSON.parse(entries.get('findings/findings.json')?.toString() ?? '{}') as {
      results: { status: string; criteria: string[] }[];
    };
    // All results: each result once, whatever number of criteria its check supports.
    const statuses = ['fail', 'insufficient-evidence', 'error', 'excepted', 'pass', 'not-applicable'];
    expect(all?.n).toEqual([
      ...statuses.map((st) => doc.results.filter((r) => r.status === st).length),
      doc.results.length,
    ]);
    // The rows count a result once per criterion (at least once): the difference is exactly the
    // extra criteria of results under more than one.
    const extra = doc.results.reduce((n, r) => n + Math.max(r.criteria.length - 1, 0), 0);
    expect(extra).toBeGreaterThan(0);
    expect((sum?.n[6] ?? 0) - (all?.n[6] ?? 0)).toBe(extra);
  });

  it('records operator, command line, code digest and time window; every digest recomputes as README.txt says', () => {
    const manifest = JSON.parse(entries.get('manifest.json')?.toString() ?? '{}') as {
      configDigest: string;
      evidenceDigest: string;
      operator: { kind: string };
      commandLine: string;
      toolCode: { digest: string; files: number };
      timeWindow: Record<'collection' | 'capture' | 'render', { startedAt: string; finishedAt: string }>;
      screenshots: { capturedAt: string }[];
    };
    const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
    expect(manifest.configDigest).toBe(`sha256:${sha(entries.get('config/effective-config.json')!)}`);
    const listed = (entries.get('SHA256SUMS')?.toString() ?? '')
      .split('\n')
      .filter(
        (l) =>
          l && !/ {2}(report\.pdf|README\.txt|manifest\.json|manifest\.json\.sig|signature\.json)$/.test(l),
      )
      .map((l) => `${l}\n`)
      .join('');
    expect(manifest.evidenceDigest).toBe(sha(listed));
    expect(manifest.commandLine).toBe('evidence-pack demo --out ' + out + ' --json');
    expect(manifest.operator.kind).toMatch(/^(ci|local)$/);
    expect(manifest.toolCode.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const w = manifest.timeWindow;
    const t = (s: string) => Date.parse(s);
    expect(t(w.collection.finishedAt)).toBeLessThanOrEqual(t(w.capture.startedAt));
    expect(t(w.capture.finishedAt)).toBeLessThanOrEqual(t(w.render.startedAt));
    expect(manifest.screenshots.length).toBeGreaterThan(0);
    for (const s of manifest.screenshots) {
      expect(t(s.capturedAt)).toBeGreaterThanOrEqual(t(w.collection.startedAt));
      expect(t(s.capturedAt)).toBeLessThanOrEqual(t(w.capture.finishedAt));
    }
    const readme = entries.get('README.txt')?.toString() ?? '';
    expect(readme).toContain(`Command line:       ${manifest.commandLine}`);
    expect(readme).toContain(manifest.toolCode.digest);
    expect(readme).toContain(manifest.evidenceDigest);
    const cover = pdfText('report.pdf').split('Scope and summary')[0] ?? '';
    expect(cover.replace(/\s+/g, ' ')).toContain(manifest.commandLine);
    expect(cover).toContain('Operator');
    expect(cover).toContain(manifest.toolCode.digest.slice(0, 20));
  });

  it('stamps every CSV row with the run id and the as-of time', () => {
    const snap = JSON.parse(entries.get('snapshot.json')?.toString() ?? '{}') as {
      runId: string;
      collection: { finishedAt: string };
    };
    const csvs = [...entries.keys()].filter((p) => p.endsWith('.csv'));
    expect(csvs.length).toBeGreaterThan(5);
    for (const p of csvs) {
      const lines = (entries.get(p)?.toString() ?? '').split('\r\n').filter(Boolean);
      expect(lines[0]?.startsWith('run_id,as_of,'), p).toBe(true);
      for (const l of lines.slice(1))
        expect(l.startsWith(`${snap.runId},${snap.collection.finishedAt},`), p).toBe(true);
    }
  });

  it('never writes the sandbox credentials or session tokens into the pack', () => {
    // The caller's access key id is in every CloudTrail record the sandbox served (userIdentity).
    const secrets = ['demo-secret-access-key-not-a-real-secret', DEMO_CREDENTIALS.accessKeyId];
    const lookups = entries.get('raw/cloudtrail/us-east-1.jsonl')?.toString() ?? '';
    expect(lookups).toContain('"CloudTrailEvent"');
    for (const [path, buf] of entries) {
      const text = buf.toString('latin1');
      for (const s of secrets) expect(text.includes(s), `${s} in ${path}`).toBe(false);
      expect(/SigninToken=|X-Amz-Security-Token=|"SessionToken":"[^[]/.test(text), path).toBe(false);
      // Temporary keys of the assumed role and the console session, wherever they would be embedded.
      if (!path.endsWith('.png')) expect(/\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b/.test(text), path).toBe(false);
    }
  });
});
