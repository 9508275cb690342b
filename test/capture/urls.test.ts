import { describe, expect, it } from 'vitest';
import { consolePageSpecs, DEFAULT_CONSOLE_URLS, expandConsoleUrl } from '../../src/capture/console-urls.ts';
import { fromSandboxConsoleUrl, toSandboxConsoleUrl } from '../../src/sandbox/console/urls.ts';
import { safeFileStem } from '../../src/capture/file-names.ts';
import { sanitizeError, sanitizeUrl } from '../../src/capture/sanitize.ts';
import { ACCOUNT, REGION, writeCaptureEstate } from '../support/capture-estate.ts';

describe('console URLs', () => {
  it('map real console hosts onto the sandbox and back', () => {
    const real = 'https://us-east-1.console.aws.amazon.com/kms/home?region=us-east-1#/kms/keys/abc';
    const mapped = toSandboxConsoleUrl(real, 'http://127.0.0.1:4566/');
    expect(mapped).toBe(
      'http://127.0.0.1:4566/_console/us-east-1.console.aws.amazon.com/kms/home?region=us-east-1#/kms/keys/abc',
    );
    expect(fromSandboxConsoleUrl(mapped.slice('http://127.0.0.1:4566'.length, mapped.indexOf('#')))).toBe(
      real.slice(0, real.indexOf('#')),
    );
  });

  it('encode substituted values and honour overrides', () => {
    expect(
      expandConsoleUrl(DEFAULT_CONSOLE_URLS.trail, {
        region: 'eu-west-1',
        trailArn: 'arn:aws:cloudtrail:eu-west-1:1:trail/t',
      }),
    ).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudtrail/home?region=eu-west-1#/trails/arn%3Aaws%3Acloudtrail%3Aeu-west-1%3A1%3Atrail%2Ft',
    );
    expect(expandConsoleUrl('https://x/{unknown}', {})).toBe('https://x/{unknown}');
  });

  it('give a bucket its properties and permissions pages', async () => {
    const { snapshot } = await writeCaptureEstate();
    const target = {
      kind: 'bucket' as const,
      accountId: ACCOUNT,
      region: REGION,
      bucket: 'data-prod',
      reason: 'sensitive' as const,
    };
    const urls = consolePageSpecs(target, snapshot, {
      bucketPermissions: 'https://example.test/{bucket}/perm',
    }).map((s) => s.url);
    expect(urls).toEqual([
      'https://s3.console.aws.amazon.com/s3/buckets/data-prod?region=us-east-1&tab=properties',
      'https://example.test/data-prod/perm',
    ]);
  });
});

describe('sanitizing', () => {
  it('drops token-like parameters from URLs', () => {
    expect(
      sanitizeUrl('https://signin.aws.amazon.com/federation?Action=login&SigninToken=abc&Destination=x'),
    ).toBe('https://signin.aws.amazon.com/federation');
    expect(
      sanitizeUrl('https://s3.console.aws.amazon.com/s3/settings?region=us-east-1&X-Amz-Security-Token=t'),
    ).toBe('https://s3.console.aws.amazon.com/s3/settings?region=us-east-1');
  });

  it('removes known secrets and federation URLs from error messages', () => {
    const err = new Error(
      'page.goto: net::ERR http://127.0.0.1:1/federation?Action=login&SigninToken=SECRETTOKEN1 key AKIASECRET1\nstack',
    );
    const message = sanitizeError(err, ['AKIASECRET1', 'SECRETTOKEN1']);
    expect(message).not.toContain('SECRETTOKEN1');
    expect(message).not.toContain('AKIASECRET1');
    expect(message).not.toContain('stack');
  });
});

describe('file names', () => {
  it('are filesystem-safe, deterministic and distinct for distinct names', () => {
    expect(safeFileStem('bucket-policy_111122223333_data-prod')).toBe('bucket-policy_111122223333_data-prod');
    const a = safeFileStem('config-rule_1_us-east-1_rule/with:odd*chars');
    expect(a).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(a).toBe(safeFileStem('config-rule_1_us-east-1_rule/with:odd*chars'));
    expect(a).not.toBe(safeFileStem('config-rule_1_us-east-1_rule/with:odd?chars'));
    expect(safeFileStem('x'.repeat(300)).length).toBeLessThanOrEqual(120);
  });
});
