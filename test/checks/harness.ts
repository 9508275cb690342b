import { expect } from 'vitest';
import { CHECKS } from '../../src/checks/registry.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import type { CheckStatus } from '../../src/checks/types.ts';
import type { Finding } from '../../src/evaluate/types.ts';
import type { Snapshot } from '../../src/snapshot/model.ts';
import type { Config } from '../../src/config/schema.ts';
import { config as makeConfig } from '../support/snapshot.ts';

/** Run one check through the engine and return its findings. */
export async function runOne(
  checkId: string,
  snap: Snapshot,
  cfg: Config = makeConfig(),
): Promise<Finding[]> {
  const check = CHECKS.find((c) => c.id === checkId);
  if (!check) throw new Error(`no check ${checkId}`);
  const evaluation = await evaluate(snap, cfg, { checks: [check] });
  return evaluation.findings;
}

/** One row of a table-driven check test. */
export interface Case {
  name: string;
  snapshot: () => Snapshot;
  config?: Config;
  status: CheckStatus;
  /** Fragments the reason must contain. */
  reason?: (string | RegExp)[];
  /** Only consider the finding about this resource name. */
  resource?: string;
}

/** Assert a case: exactly one finding (for `resource` if given) with the status and reason fragments. */
export async function expectCase(checkId: string, c: Case): Promise<void> {
  const all = await runOne(checkId, c.snapshot(), c.config);
  const findings = c.resource ? all.filter((f) => f.resource.name === c.resource) : all;
  expect(findings).toHaveLength(1);
  const f = findings[0] as Finding;
  expect(f.status, f.reason).toBe(c.status);
  for (const r of c.reason ?? []) expect(f.reason).toMatch(r);
  if (c.status !== 'not-applicable') expect(f.evidence.length).toBeGreaterThan(0);
}
