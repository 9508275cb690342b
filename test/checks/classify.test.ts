import { describe, expect, it } from 'vitest';
import { makeClassifier } from '../../src/evaluate/classify.ts';
import { bucket, config, deniedOf, okOf } from '../support/snapshot.ts';

const rules = config({
  classification: {
    default: 'sensitive',
    rules: [
      {
        name: 'public website',
        level: 'standard',
        tag: { key: 'data-class', values: ['public', 'internal'] },
      },
      { level: 'sensitive', tag: { key: 'pii' } },
      { level: 'standard', namePattern: 'logs-*-2026' },
    ],
  },
}).classification;
const tagged = (tags: Record<string, string>) => ({ tags: okOf(tags, 'GetBucketTagging') });

describe('makeClassifier', () => {
  const classify = makeClassifier(rules);
  it('defaults to sensitive when no rule matches', () => {
    expect(classify(bucket('anything'))).toEqual({ level: 'sensitive', rule: 'default' });
  });
  it('matches a tag value and names the rule', () => {
    expect(classify(bucket('site', tagged({ 'data-class': 'internal' })))).toEqual({
      level: 'standard',
      rule: 'public website',
    });
  });
  it('does not match other values of the tag', () => {
    expect(classify(bucket('site', tagged({ 'data-class': 'secret' }))).level).toBe('sensitive');
  });
  it('first matching rule wins', () => {
    const c = classify(bucket('logs-a-2026', tagged({ pii: 'yes' })));
    expect(c).toEqual({ level: 'sensitive', rule: 'tag pii' });
  });
  it('matches a name glob', () => {
    expect(classify(bucket('logs-eu-2026'))).toEqual({ level: 'standard', rule: 'name logs-*-2026' });
    expect(classify(bucket('logs-eu-2025')).level).toBe('sensitive');
  });
  it('skips tag rules when tags are unreadable and says so', () => {
    const c = classify(bucket('logs-x-2026', { tags: deniedOf('GetBucketTagging') }));
    expect(c.level).toBe('standard');
    expect(c.rule).toMatch(/name logs-\*-2026 \(tags unreadable: AccessDenied; tag rules skipped\)/);
    const d = classify(bucket('site', { tags: deniedOf('GetBucketTagging') }));
    expect(d).toEqual({
      level: 'sensitive',
      rule: 'default (tags unreadable: AccessDenied; tag rules skipped)',
    });
  });
  it('honours a standard default', () => {
    expect(makeClassifier({ default: 'standard', rules: [] })(bucket('x'))).toEqual({
      level: 'standard',
      rule: 'default',
    });
  });
});

describe('makeClassifier with S3 ABAC', () => {
  const classify = makeClassifier(rules);
  const abac = (status: 'Enabled' | 'Disabled') => ({ abac: okOf({ status }, 'GetBucketAbac') });
  it('flags a deciding tag rule as an access-control input when ABAC is enabled', () => {
    const c = classify(bucket('site', { ...tagged({ 'data-class': 'public' }), ...abac('Enabled') }));
    expect(c.level).toBe('standard');
    expect(c.rule).toBe('public website');
    expect(c.tagAccessControl).toMatch(/ABAC is enabled.*tag data-class is also an access-control input/);
  });
  it('says nothing with ABAC disabled, or when no tag decided', () => {
    expect(
      classify(bucket('site', { ...tagged({ 'data-class': 'public' }), ...abac('Disabled') }))
        .tagAccessControl,
    ).toBeUndefined();
    expect(classify(bucket('logs-eu-2026', abac('Enabled'))).tagAccessControl).toBeUndefined();
    expect(classify(bucket('anything', abac('Enabled'))).tagAccessControl).toBeUndefined();
  });
  it('says the tag may govern access when GetBucketAbac could not be read', () => {
    const c = classify(
      bucket('site', { ...tagged({ 'data-class': 'public' }), abac: deniedOf('GetBucketAbac') }),
    );
    expect(c.tagAccessControl).toContain('GetBucketAbac could not be read (AccessDenied)');
  });
});
