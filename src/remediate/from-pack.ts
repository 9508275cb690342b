import { basename } from 'node:path';
import { loadPackForDiff } from '../diff/load-pack.ts';
import { readPackEntries } from '../pack/zip-reader.ts';
import { verifyPack } from '../pack/verify.ts';
import type { RemediationFacts } from './intents.ts';
import { buildPlan } from './plan.ts';
import type { FindingRef, RemediationPlan } from './types.ts';

/** A plan from a pack, or why there is none. */
export type PackPlan =
  { ok: true; plan: RemediationPlan; packName: string } | { ok: false; problems: string[] };

const DEFAULT_ROTATION_DAYS = 365;

/** `kms.maxRotationDays` from the pack's effective config, else AWS's default period. */
function rotationDays(config: Buffer | undefined): number {
  try {
    const days = (JSON.parse(config?.toString('utf8') ?? '{}') as { kms?: { maxRotationDays?: unknown } }).kms
      ?.maxRotationDays;
    return typeof days === 'number' && Number.isInteger(days) && days >= 90 && days <= 2560
      ? days
      : DEFAULT_ROTATION_DAYS;
  } catch {
    return DEFAULT_ROTATION_DAYS;
  }
}

/**
 * Verify the pack (a plan from a pack whose files do not match their hashes would act on altered
 * evidence), then plan the fixes of its failing findings from its snapshot.
 */
export async function planFromPack(zipPath: string): Promise<PackPlan> {
  const report = await verifyPack(zipPath);
  if (!report.ok)
    return {
      ok: false,
      problems: report.problems.filter((p) => p.severity === 'error').map((p) => p.detail),
    };
  const loaded = await loadPackForDiff(zipPath);
  if (!loaded.ok) return { ok: false, problems: [loaded.problem] };
  const { snapshot, findings } = loaded.pack;
  const entries = await readPackEntries(zipPath);
  const failing: FindingRef[] = findings.results
    // A deviation during the audit period is in the past: there is nothing to fix for it.
    .filter((r) => r.status === 'fail' && !('deviation' in r))
    .map((r) => ({
      checkId: r.checkId,
      resourceArn: r.resource.arn,
      resourceName: r.resource.name,
      reason: r.reason,
    }));
  const facts: RemediationFacts = {
    snapshot,
    failing,
    rotationPeriodInDays: rotationDays(entries.get('config/effective-config.json')),
  };
  return { ok: true, plan: buildPlan(snapshot.runId, failing, facts), packName: basename(zipPath) };
}
