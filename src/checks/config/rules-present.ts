import type { CheckDefinition } from '../types.ts';
import type { ConfigRegionSnapshot, ConfigRule } from '../../snapshot/model.ts';
import { configRegionResource, gapVerdict, listProse, toResult, verdict, type Verdict } from '../support.ts';

const ID = 'config.rules-present';

/** Rules implementing a managed rule, matched on owner and identifier (names are free text). */
export function managedRules(rules: readonly ConfigRule[], identifier: string): ConfigRule[] {
  return rules.filter((r) => r.owner === 'AWS' && r.sourceIdentifier === identifier);
}

/** Judge one region: every required managed-rule identifier has a rule. */
export function judgeRulesPresent(region: ConfigRegionSnapshot, required: readonly string[]): Verdict {
  const rules = region.rules;
  if (rules.status === 'denied' || rules.status === 'error') return gapVerdict('the Config rules', rules);
  const list = rules.status === 'ok' ? rules.value : [];
  const missing = required.filter((id) => managedRules(list, id).length === 0);
  if (missing.length > 0) {
    return verdict('fail', `AWS Config in ${region.region} has no managed rule for ${listProse(missing)}.`, [
      rules.evidence,
    ]);
  }
  const found = required.map((id) => `${id} ("${managedRules(list, id)[0]?.name ?? ''}")`);
  return verdict('pass', `AWS Config in ${region.region} has managed rules ${listProse(found)}.`, [
    rules.evidence,
  ]);
}

/** `config.rules-present`: the required AWS managed rules exist in every region in scope. */
export const rulesPresent: CheckDefinition = {
  id: ID,
  title: 'Required AWS Config rules are deployed',
  severity: 'medium',
  criteria: ['CC6.6', 'CC7.1'],
  description:
    'Rules exist for each required managed-rule identifier (matched on Source.Owner AWS and SourceIdentifier).',
  reads: ['config:DescribeConfigRules'],
  method:
    'Per region: passes when, for every required managed-rule identifier, a rule with Source.Owner AWS and that SourceIdentifier exists (rule names are free text); fails naming the missing identifiers; a denied or failed read is insufficient evidence.',
  evaluate: (ctx) =>
    ctx.snapshot.accounts.flatMap((a) =>
      a.config.map((r) =>
        toResult(ID, configRegionResource(r), judgeRulesPresent(r, ctx.requiredConfigRules)),
      ),
    ),
};
