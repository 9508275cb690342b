import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import { isExpired } from '../../src/evaluate/exceptions.ts';
import { CHECKS } from '../../src/checks/registry.ts';
import {
  absentOf,
  account,
  bucket,
  config,
  okOf,
  snapshot,
  withPolicy,
  ACCOUNT,
} from '../support/snapshot.ts';

const off = {
  blockPublicAcls: false,
  ignorePublicAcls: false,
  blockPublicPolicy: false,
  restrictPublicBuckets: false,
};
const publicSite = withPolicy(
  bucket('site', {
    publicAccessBlock: absentOf('NoSuchPublicAccessBlockConfiguration', 'GetPublicAccessBlock'),
    tags: okOf({ 'data-class': 'public' }, 'GetBucketTagging'),
  }),
  [
    {
      Sid: 'PublicRead',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::site/*',
    },
  ],
  true,
);
const publicSecret = {
  ...publicSite,
  name: 'secret',
  arn: 'arn:aws:s3:::secret',
  tags: absentOf('NoSuchTagSet', 'GetBucketTagging'),
};
const snap = snapshot([
  account({
    buckets: [publicSite, publicSecret],
    accountPublicAccessBlock: okOf(off, 'GetPublicAccessBlock', 's3control'),
  }),
]);
const base = {
  classification: {
    default: 'sensitive',
    rules: [{ level: 'standard', tag: { key: 'data-class', values: ['public'] } }],
  },
};
const entry = (over: Record<string, unknown>) => ({
  bucket: 'site',
  checks: ['s3.not-public', 's3.bucket-public-access-block'],
  justification: 'Public marketing website',
  approvedBy: 'ciso@example.com',
  ticket: 'SEC-42',
  expires: '2026-03-01',
  ...over,
});
const checks = CHECKS.filter((c) => ['s3.not-public', 'exceptions.valid'].includes(c.id));

async function run(exceptions: Record<string, unknown>[]) {
  return evaluate(snap, config({ ...base, exceptions }), { checks });
}

describe('exceptions', () => {
  it('is valid through the whole UTC day of expires', () => {
    expect(isExpired('2026-03-01', new Date('2026-03-01T23:59:59.999Z'))).toBe(false);
    expect(isExpired('2026-03-01', new Date('2026-03-02T00:00:00.000Z'))).toBe(true);
  });

  it('a valid exception turns a public standard bucket into excepted, with its terms in the reason', async () => {
    const ev = await run([entry({})]);
    const site = ev.findings.find((f) => f.checkId === 's3.not-public' && f.resource.name === 'site');
    expect(site?.status).toBe('excepted');
    expect(site?.reason).toMatch(/Public marketing website.*ciso@example\.com.*SEC-42.*2026-03-01/);
    const valid = ev.findings.find((f) => f.checkId === 'exceptions.valid');
    expect(valid?.status).toBe('pass');
  });

  it('an expired exception fails exceptions.valid and excepts nothing', async () => {
    const ev = await run([entry({ expires: '2026-02-28' })]);
    expect(ev.findings.find((f) => f.resource.name === 'site' && f.checkId === 's3.not-public')?.status).toBe(
      'fail',
    );
    const valid = ev.findings.find((f) => f.checkId === 'exceptions.valid');
    expect(valid?.status).toBe('fail');
    expect(valid?.reason).toMatch(/expired on 2026-02-28/);
  });

  it('names every problem of an invalid entry', async () => {
    const ev = await run([entry({ bucket: 'nope', justification: ' ', approvedBy: '' })]);
    const reason = ev.findings.find((f) => f.checkId === 'exceptions.valid')?.reason ?? '';
    expect(reason).toMatch(/"nope" does not exist/);
    expect(reason).toMatch(/no justification/);
    expect(reason).toMatch(/no approver/);
  });

  it('a public sensitive bucket fails regardless of an exception', async () => {
    const ev = await run([entry({ bucket: 'secret' })]);
    expect(
      ev.findings.find((f) => f.resource.name === 'secret' && f.checkId === 's3.not-public')?.status,
    ).toBe('fail');
    expect(ev.findings.find((f) => f.checkId === 'exceptions.valid')?.reason).toMatch(/sensitive bucket/);
    expect(ev.exceptions[0]?.valid).toBe(false);
  });

  it('respects an account restriction', async () => {
    const ev = await run([entry({ accountId: '999988887777' })]);
    expect(ev.findings.find((f) => f.resource.name === 'site' && f.checkId === 's3.not-public')?.status).toBe(
      'fail',
    );
    const ok = await run([entry({ accountId: ACCOUNT })]);
    expect(ok.findings.find((f) => f.resource.name === 'site' && f.checkId === 's3.not-public')?.status).toBe(
      'excepted',
    );
  });
});
