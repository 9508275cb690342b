/**
 * Console deep links, built from overridable templates (`config.capture.consoleUrls`). How a real
 * console URL maps onto the sandbox's console is the sandbox's business (`sandbox/console/urls.ts`),
 * injected by the composition root.
 */
import type { ConsoleField } from '../evaluate/console-cross-checks.ts';
import type { EvidenceRef } from '../snapshot/outcome.ts';
import type { Snapshot } from '../snapshot/model.ts';
import type { CaptureTarget } from './select.ts';

/** Template keys, as in `config.capture.consoleUrls`. */
export type ConsoleUrlKey =
  'accountPublicAccessBlock' | 'bucketProperties' | 'bucketPermissions' | 'kmsKey' | 'configRule' | 'trail';

/**
 * Default deep links into the AWS console. Placeholders: `{region}`, `{accountId}`, `{bucket}`, `{keyId}`,
 * `{keyArn}`, `{ruleName}`, `{trailName}`, `{trailArn}`; values are URL-encoded when substituted.
 */
export const DEFAULT_CONSOLE_URLS: Record<ConsoleUrlKey, string> = {
  accountPublicAccessBlock: 'https://s3.console.aws.amazon.com/s3/settings?region={region}',
  bucketProperties: 'https://s3.console.aws.amazon.com/s3/buckets/{bucket}?region={region}&tab=properties',
  bucketPermissions: 'https://s3.console.aws.amazon.com/s3/buckets/{bucket}?region={region}&tab=permissions',
  kmsKey: 'https://{region}.console.aws.amazon.com/kms/home?region={region}#/kms/keys/{keyId}',
  configRule:
    'https://{region}.console.aws.amazon.com/config/home?region={region}#/rules/details?configRuleName={ruleName}',
  trail: 'https://{region}.console.aws.amazon.com/cloudtrail/home?region={region}#/trails/{trailArn}',
};

/** Fill a template; unknown placeholders are left as written so a typo is visible in the source URL. */
export function expandConsoleUrl(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    values[name] === undefined ? whole : encodeURIComponent(values[name]),
  );
}

/** One console page to capture. */
export interface ConsolePageSpec {
  name: string;
  title: string;
  account: string;
  region: string;
  resource: string;
  /** The real console URL (what the stamp names as source). */
  url: string;
  /** What identifies the stamped resource on the rendered page (checked before the image is kept). */
  identity: ResourceIdentity;
  /** The recorded reads whose facts the page shows (the results citing them are what it supports). */
  shows: EvidenceRef[];
  /** Settings read back from the page's visible text after capture, for the cross-checks. */
  reads?: ConsoleField[] | undefined;
}

/**
 * The identifier a console page must show, as visible text, once it has loaded the stamped resource:
 * `forms` are the spellings the console may use (an account id is shown as `1111-2222-3333` in the
 * AWS console's navigation bar).
 */
export interface ResourceIdentity {
  /** e.g. `key id`, `bucket name`. */
  label: string;
  value: string;
  forms: string[];
}

/** Per kind of console page, what identifies the resource it shows (the same on AWS and the sandbox). */
export const PAGE_IDENTITY: Record<ConsoleUrlKey, { label: string; of: (v: IdentityValues) => string }> = {
  accountPublicAccessBlock: { label: 'account id', of: (v) => v.accountId },
  bucketProperties: { label: 'bucket name', of: (v) => v.bucket ?? '' },
  bucketPermissions: { label: 'bucket name', of: (v) => v.bucket ?? '' },
  kmsKey: { label: 'key id', of: (v) => v.keyId ?? '' },
  configRule: { label: 'rule name', of: (v) => v.ruleName ?? '' },
  trail: { label: 'trail name', of: (v) => v.trailName ?? '' },
};

interface IdentityValues {
  accountId: string;
  bucket?: string;
  keyId?: string;
  ruleName?: string;
  trailName?: string;
}

/** The identity a page of kind `key` must show for the resource described by `values`. */
export function pageIdentity(key: ConsoleUrlKey, values: IdentityValues): ResourceIdentity {
  const kind = PAGE_IDENTITY[key];
  const value = kind.of(values);
  const forms = [value];
  if (/^\d{12}$/.test(value)) forms.push(value.replace(/^(\d{4})(\d{4})(\d{4})$/, '$1-$2-$3'));
  return { label: kind.label, value, forms };
}

/** The console pages a target produces. */
export function consolePageSpecs(
  target: CaptureTarget,
  snapshot: Snapshot,
  overrides: Partial<Record<ConsoleUrlKey, string>> = {},
): ConsolePageSpec[] {
  const t = { ...DEFAULT_CONSOLE_URLS, ...overrides };
  const base = { account: target.accountId, region: target.region };
  const account = snapshot.accounts.find((a) => a.accountId === target.accountId);
  switch (target.kind) {
    case 'account-bpa':
      return [
        {
          ...base,
          name: `console_account-bpa_${target.accountId}`,
          title: 'Console — S3 Block Public Access (account settings)',
          resource: `arn:aws:s3::${target.accountId}:account`,
          url: expandConsoleUrl(t.accountPublicAccessBlock, {
            region: target.region,
            accountId: target.accountId,
          }),
          identity: pageIdentity('accountPublicAccessBlock', { accountId: target.accountId }),
          shows: account ? [account.accountPublicAccessBlock.evidence] : [],
        },
      ];
    case 'bucket': {
      const values = { region: target.region, accountId: target.accountId, bucket: target.bucket };
      const resource = `arn:aws:s3:::${target.bucket}`;
      const b = account?.buckets.find((x) => x.name === target.bucket);
      return [
        {
          ...base,
          name: `console_bucket-properties_${target.accountId}_${target.bucket}`,
          title: `Console — bucket ${target.bucket} properties (default encryption)`,
          resource,
          url: expandConsoleUrl(t.bucketProperties, values),
          identity: pageIdentity('bucketProperties', values),
          shows: b ? [b.encryption.evidence, b.versioning.evidence, b.tags.evidence] : [],
          reads: ['default-encryption'],
        },
        {
          ...base,
          name: `console_bucket-permissions_${target.accountId}_${target.bucket}`,
          title: `Console — bucket ${target.bucket} permissions (Block Public Access, policy)`,
          resource,
          url: expandConsoleUrl(t.bucketPermissions, values),
          identity: pageIdentity('bucketPermissions', values),
          shows: b
            ? [
                b.publicAccessBlock.evidence,
                b.policy.evidence,
                b.policyStatus.evidence,
                b.ownershipControls.evidence,
                b.acl.evidence,
              ]
            : [],
        },
      ];
    }
    case 'kms-key': {
      const key = snapshot.accounts
        .flatMap((a) => a.kmsKeys)
        .find((k) => k.metadata.status === 'ok' && k.metadata.value.arn === target.keyArn);
      return [
        {
          ...base,
          name: `console_kms-key_${target.accountId}_${target.region}_${target.keyId}`,
          title: `Console — KMS key ${target.keyId} (key policy)`,
          resource: target.keyArn,
          url: expandConsoleUrl(t.kmsKey, {
            region: target.region,
            accountId: target.accountId,
            keyId: target.keyId,
            keyArn: target.keyArn,
          }),
          identity: pageIdentity('kmsKey', { accountId: target.accountId, keyId: target.keyId }),
          shows: key ? [key.metadata.evidence, key.policy.evidence, key.rotation.evidence] : [],
        },
      ];
    }
    case 'config-rules': {
      const region = snapshot.accounts
        .find((a) => a.accountId === target.accountId)
        ?.config.find((c) => c.region === target.region);
      return (region?.results ?? []).map((r) => ({
        ...base,
        name: `console_config-rule_${target.accountId}_${target.region}_${r.ruleName}`,
        title: `Console — AWS Config rule ${r.ruleName}`,
        resource: `config-rule/${r.ruleName}`,
        url: expandConsoleUrl(t.configRule, {
          region: target.region,
          accountId: target.accountId,
          ruleName: r.ruleName,
        }),
        identity: pageIdentity('configRule', { accountId: target.accountId, ruleName: r.ruleName }),
        shows: [...(region ? [region.rules.evidence] : []), r.evaluations.evidence],
      }));
    }
    case 'trail': {
      const trail = account?.cloudTrail.trails.find((x) => x.arn === target.trailArn);
      return [
        {
          ...base,
          name: `console_trail_${target.accountId}_${target.region}_${target.trailName}`,
          title: `Console — CloudTrail trail ${target.trailName}`,
          resource: target.trailArn,
          url: expandConsoleUrl(t.trail, {
            region: target.region,
            accountId: target.accountId,
            trailName: target.trailName,
            trailArn: target.trailArn,
          }),
          identity: pageIdentity('trail', { accountId: target.accountId, trailName: target.trailName }),
          shows: trail ? [trail.status.evidence, trail.selectors.evidence] : [],
        },
      ];
    }
  }
}
