import type { EvidenceRef } from '../../aws/outcome.ts';
import type { EvaluationContext } from '../types.ts';
import { verdict, type Verdict } from '../support.ts';
import type { ExternalAccessResults, ExternalGrant } from './types.ts';

/** The accounts whose principals count as internal: every account in scope. */
export function accountsInScope(ctx: EvaluationContext): Set<string> {
  return new Set(ctx.snapshot.accounts.map((a) => a.accountId));
}

function grantProse(g: ExternalGrant): string {
  return `${g.principal} may call ${g.actions.join(', ')} (${g.statements.join(', ')})`;
}

/**
 * Judge a policy's grants to other accounts: a grant to an account outside the scope that is not a
 * valid `trustedAccounts` entry, or to an organization not in `trustedOrganizationIds`, fails,
 * naming principal, actions and statements. Trusted grants are named in the reason of a pass.
 */
export function judgeExternalGrants(
  what: string,
  results: ExternalAccessResults,
  ctx: EvaluationContext,
  evidence: EvidenceRef[],
): Verdict {
  if (results.kind === 'invalid')
    return verdict('insufficient-evidence', `Cannot judge the ${what}: ${results.message}.`, evidence);
  const scope = accountsInScope(ctx);
  const trusted = ctx.trustedAccounts ?? [];
  const orgs = new Set(ctx.trustedOrganizationIds ?? []);
  const external: string[] = [];
  const allowed: string[] = [];
  for (const g of results.grants) {
    if (g.orgId) {
      if (orgs.has(g.orgId)) allowed.push(`${grantProse(g)}, a declared organization`);
      else
        external.push(
          `${grantProse(g)}; organization ${g.orgId} is not declared in trustedOrganizationIds and organization membership is not discovered, so this aws:PrincipalOrgID grant counts as external`,
        );
      continue;
    }
    const account = g.accountId ?? '';
    if (scope.has(account)) continue;
    const trust = trusted.find((t) => t.accountId === account);
    if (trust?.valid)
      allowed.push(
        `${grantProse(g)}, trusted until ${trust.expires} (${trust.justification}; approved by ${trust.approvedBy})`,
      );
    else if (trust) external.push(`${grantProse(g)}; its trusted-account entry expired on ${trust.expires}`);
    else external.push(`${grantProse(g)}; account ${account} is outside the accounts in scope`);
  }
  if (external.length > 0)
    return verdict(
      'fail',
      `The ${what} grants principals outside the trusted accounts: ${external.join('; ')}.`,
      evidence,
    );
  if (allowed.length > 0)
    return verdict(
      'pass',
      `The ${what} grants only accounts in scope and trusted principals: ${allowed.join('; ')}.`,
      evidence,
    );
  return verdict('pass', `The ${what} grants no principal outside the accounts in scope.`, evidence);
}
