import type { EvidenceRef, Gap } from '../../snapshot/outcome.ts';
import type { AccountSnapshot, TrailSnapshot } from '../../snapshot/model.ts';
import { dedupe, firstGap, gapVerdict, verdict, type Verdict } from '../support.ts';
import { managementCoverage } from './selectors.ts';

/** The account's trails that are multi-region, logging, and record read and write management events. */
export interface TrailAssessment {
  qualifying: TrailSnapshot[];
  /** Gaps that could hide a qualifying trail. */
  gaps: Gap[];
  /** Why each non-qualifying trail falls short. */
  shortfalls: string[];
  evidence: EvidenceRef[];
}

/** Assess every trail of an account for multi-region management-event logging. */
export function assessTrails(account: AccountSnapshot): TrailAssessment {
  const ct = account.cloudTrail;
  const gaps: Gap[] = [];
  const evidence: EvidenceRef[] = [];
  for (const d of ct.discovery) {
    evidence.push(d.result.evidence);
    const g = firstGap(d.result);
    if (g) gaps.push(g);
  }
  const qualifying: TrailSnapshot[] = [];
  const shortfalls: string[] = [];
  for (const t of ct.trails) {
    evidence.push(t.status.evidence, t.selectors.evidence);
    if (!t.isMultiRegionTrail) {
      shortfalls.push(`"${t.name}" is single-region`);
      continue;
    }
    const g = firstGap(t.status, t.selectors);
    if (g) {
      gaps.push(g);
      continue;
    }
    if (t.status.status !== 'ok' || !t.status.value.isLogging) {
      shortfalls.push(`"${t.name}" is not logging`);
      continue;
    }
    const cov = t.selectors.status === 'ok' ? managementCoverage(t.selectors.value) : undefined;
    if (!cov?.read || !cov.write) {
      shortfalls.push(`"${t.name}" does not record both read and write management events`);
      continue;
    }
    qualifying.push(t);
  }
  return { qualifying, gaps, shortfalls, evidence: dedupe(evidence) };
}

/** The account that owns a trail: the account in its ARN. */
export function trailAccountId(t: TrailSnapshot): string {
  return t.arn.split(':')[4] ?? '';
}

/**
 * How a reason names a trail: `"main"` for the account's own trail; for an organization trail
 * homed in another account (the management account), `"org" (organization trail of account
 * 111122223333, home region us-east-1)`, so the evidence says where the logging really lives.
 */
export function trailLabel(t: TrailSnapshot, account: Pick<AccountSnapshot, 'accountId'>): string {
  const owner = trailAccountId(t);
  if (owner === account.accountId || owner === '') {
    return t.isOrganizationTrail ? `"${t.name}" (organization trail)` : `"${t.name}"`;
  }
  return `"${t.name}" (organization trail of account ${owner}, home region ${t.homeRegion})`;
}

/**
 * The verdict when no trail qualifies: a gap makes it insufficient-evidence, else a fail that
 * explains each trail's shortfall.
 */
export function noQualifyingTrail(a: TrailAssessment): Verdict {
  const gap = a.gaps[0];
  if (gap) return gapVerdict('whether a multi-region logging trail exists', gap, a.evidence);
  const detail = a.shortfalls.length ? `: ${a.shortfalls.join('; ')}` : ' (the account has no trail)';
  return verdict(
    'fail',
    `No trail is multi-region, logging, and recording read and write management events${detail}.`,
    a.evidence,
  );
}
