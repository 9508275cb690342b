import type { BucketSnapshot } from '../snapshot/model.ts';
import type { Classification } from '../checks/types.ts';
import type { ClassificationRule, Config } from '../config/schema.ts';

/** Compile a `*` / `?` glob on bucket names into an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** Human description of a rule, shown as "the rule that decided". */
export function describeRule(rule: ClassificationRule): string {
  if (rule.name) return rule.name;
  const parts: string[] = [];
  if (rule.tag)
    parts.push(
      rule.tag.values?.length ? `tag ${rule.tag.key}=${rule.tag.values.join('|')}` : `tag ${rule.tag.key}`,
    );
  if (rule.namePattern) parts.push(`name ${rule.namePattern}`);
  return parts.join(' and ');
}

function tagMatches(rule: ClassificationRule, tags: Record<string, string>): boolean {
  if (!rule.tag) return true;
  const value = tags[rule.tag.key];
  if (value === undefined) return false;
  return !rule.tag.values || rule.tag.values.includes(value);
}

/**
 * With ABAC enabled, S3 authorizes requests on the bucket's tags: a classification tag is then also
 * an access-control input. Said when GetBucketAbac reports `Enabled`, and when it could not be read.
 */
function tagAccessControl(bucket: BucketSnapshot, key: string): string | undefined {
  const abac = bucket.abac;
  if (!abac || abac.status === 'absent') return undefined;
  if (abac.status === 'ok') {
    return abac.value.status === 'Enabled'
      ? `ABAC is enabled on the bucket, so the tag ${key} is also an access-control input: whoever may change it changes who may reach the bucket as well as its classification.`
      : undefined;
  }
  return `Whether the tag ${key} is also an access-control input is unknown: GetBucketAbac could not be read (${abac.errorCode}).`;
}

/**
 * Build the bucket classifier from the config: the first rule whose tag and name pattern both
 * match decides; otherwise the default (sensitive unless configured otherwise). When the tags could
 * not be read, rules that need a tag are skipped and the classification says so.
 */
export function makeClassifier(config: Config['classification']): (bucket: BucketSnapshot) => Classification {
  const compiled = config.rules.map((rule) => ({
    rule,
    name: rule.namePattern ? globToRegExp(rule.namePattern) : undefined,
    label: describeRule(rule),
  }));
  return (bucket) => {
    const tagsKnown = bucket.tags.status === 'ok' || bucket.tags.status === 'absent';
    const tags = bucket.tags.status === 'ok' ? bucket.tags.value : {};
    const note = tagsKnown
      ? ''
      : ` (tags unreadable: ${bucket.tags.status === 'ok' || bucket.tags.status === 'absent' ? '' : bucket.tags.errorCode}; tag rules skipped)`;
    for (const c of compiled) {
      if (c.rule.tag && !tagsKnown) continue;
      if (c.name && !c.name.test(bucket.name)) continue;
      if (!tagMatches(c.rule, tags)) continue;
      const access = c.rule.tag ? tagAccessControl(bucket, c.rule.tag.key) : undefined;
      return {
        level: c.rule.level,
        rule: `${c.label}${note}`,
        ...(access ? { tagAccessControl: access } : {}),
      };
    }
    return { level: config.default, rule: `default${note}` };
  };
}
