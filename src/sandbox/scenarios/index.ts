/**
 * Scenario registry: a scenario sets up a running sandbox's state, either through the same AWS
 * write calls a person would make (against `sandbox.url`) or through the declarative loader.
 *
 * Names: `empty`; `generated` (200 buckets) or `generated:<N>` / `generated:<N>:<regions>:<seed>`.
 * Add more with `registerScenario`.
 */
import type { FaultController } from '../faults.ts';
import type { SandboxState } from '../state.ts';
import {
  buildDemoHistory,
  buildDemoOrganizationControls,
  buildDemoScenario,
  DEMO_CREDENTIALS,
  DEMO_DENIED,
  DEMO_LEGACY_UNENCRYPTED,
  DEMO_SECOND_ACCOUNT,
} from './demo.ts';
import { buildDemoOrganization } from './demo-organization.ts';
import { loadDeclarative } from './declarative.ts';
import { generateScenario } from './generated.ts';

export { loadDeclarative } from './declarative.ts';
export type { DeclarativeBucket, DeclarativeSpec } from './declarative.ts';
export { generateScenario } from './generated.ts';
export type { GenerateOptions } from './generated.ts';

/** What a scenario is given. */
export interface ScenarioTarget {
  url: string;
  state: SandboxState;
  faults: FaultController;
}

/** Sets up state in a fresh sandbox. */
export type Scenario = (sandbox: ScenarioTarget) => Promise<void>;

const registry = new Map<string, Scenario>([
  ['empty', async () => {}],
  [
    'demo',
    async ({ url, state, faults }) => {
      await buildDemoHistory(url);
      await buildDemoScenario(url);
      await buildDemoOrganization(url, state, DEMO_CREDENTIALS, {
        id: DEMO_SECOND_ACCOUNT,
        name: 'globex-subsidiary',
      });
      await buildDemoOrganizationControls(url, [...(state.organization?.accounts.values() ?? [])]);
      for (const name of DEMO_LEGACY_UNENCRYPTED) {
        const bucket = state.buckets.get(name);
        if (bucket) bucket.encryption = undefined;
      }
      // After setup, so the setup calls themselves are not refused.
      for (const d of DEMO_DENIED) {
        for (const operation of d.operations)
          faults.addRule({ kind: 'AccessDenied', operation, resource: d.bucket });
      }
    },
  ],
  ['generated', async ({ state }) => loadDeclarative(state, generateScenario({ buckets: 200 }))],
]);

/** Register (or replace) a named scenario. */
export function registerScenario(name: string, scenario: Scenario): void {
  registry.set(name, scenario);
}

/** Names of the registered scenarios. */
export function scenarioNames(): string[] {
  return [...registry.keys()].sort();
}

function parametrizedGenerated(name: string): Scenario | undefined {
  const match = /^generated:(\d+)(?::(\d+))?(?::(\d+))?$/.exec(name);
  if (!match) return undefined;
  const buckets = Number(match[1]);
  const regions = match[2] === undefined ? undefined : Number(match[2]);
  const seed = match[3] === undefined ? undefined : Number(match[3]);
  return async ({ state }) =>
    loadDeclarative(
      state,
      generateScenario({
        buckets,
        ...(regions !== undefined ? { regions } : {}),
        ...(seed !== undefined ? { seed } : {}),
      }),
    );
}

/** The scenario of that name; throws listing the known names when there is none. */
export function getScenario(name: string): Scenario {
  const scenario = registry.get(name) ?? parametrizedGenerated(name);
  if (!scenario)
    throw new Error(`unknown scenario "${name}"; known: ${scenarioNames().join(', ')}, generated:<N>`);
  return scenario;
}
