/**
 * Scenario registry: a scenario sets up a running sandbox's state, either through the same AWS
 * write calls a person would make (against `sandbox.url`) or through the declarative loader.
 *
 * Names: `empty`; `generated` (200 buckets) or `generated:<N>` / `generated:<N>:<regions>:<seed>`;
 * `generated-quarter:<N>:<regions>:<period end ms>` (a quarter of history, for the period benchmark).
 * Add more with `registerScenario`.
 */
import { createHash } from 'node:crypto';
import type { FaultController } from '../faults.ts';
import type { SandboxState } from '../state.ts';
import { deliverInventoryReport } from '../s3/inventory-report.ts';
import { evaluateChangedBucket } from '../services/config/evaluate.ts';
import {
  buildDemoOrganizationControls,
  buildDemoQuarter,
  DEMO_ACCOUNT,
  DEMO_CREDENTIALS,
  DEMO_DENIED,
  DEMO_INVENTORY,
  DEMO_LEGACY_UNENCRYPTED,
  DEMO_SECOND_ACCOUNT,
} from './demo.ts';
import { buildDemoOrganization } from './demo-organization.ts';
import { loadDeclarative } from './declarative.ts';
import { generateScenario } from './generated.ts';
import { buildGeneratedOrganization, parseOrganizationScenario } from './generated-organization.ts';
import { loadGeneratedQuarter } from './generated-history.ts';

export { loadDeclarative } from './declarative.ts';
export type { DeclarativeBucket, DeclarativeSpec } from './declarative.ts';
export { generateScenario } from './generated.ts';
export type { GenerateOptions } from './generated.ts';
export {
  organizationScenarioName,
  parseOrganizationScenario,
  type GenerateOrganizationOptions,
} from './generated-organization.ts';

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
      await buildDemoQuarter(url, Date.now(), {
        bucketChanged: (bucket, region) => {
          evaluateChangedBucket(state, state.account(DEMO_ACCOUNT), region, bucket);
        },
      });
      await buildDemoOrganization(url, state, DEMO_CREDENTIALS, {
        id: DEMO_SECOND_ACCOUNT,
        name: 'globex-subsidiary',
      });
      await buildDemoOrganizationControls(url, [...(state.organization?.accounts.values() ?? [])]);
      for (const name of DEMO_LEGACY_UNENCRYPTED) {
        const bucket = state.buckets.get(name);
        if (bucket) bucket.encryption = undefined;
        // A bucket from before default encryption: Config never recorded one for it either.
        for (const item of state.bucketHistory.get(name) ?? [])
          item.supplementaryConfiguration.ServerSideEncryptionConfiguration = 'null';
      }
      // Objects from before January 2023, never encrypted, then the inventory's latest delivery.
      const archive = state.buckets.get(DEMO_INVENTORY.bucket);
      for (const key of DEMO_INVENTORY.legacyUnencrypted) {
        const body = Buffer.from(`legacy settlement ${key}\n`);
        archive?.objects.set(key, [
          {
            key,
            body,
            etag: `"${createHash('md5').update(body).digest('hex')}"`,
            versionId: 'null',
            lastModified: new Date('2021-06-30T12:00:00Z'),
          },
        ]);
      }
      for (const [bucket, id] of DEMO_INVENTORY.delivered) deliverInventoryReport(state, bucket, id);
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

function generatedOrganization(name: string): Scenario | undefined {
  const options = parseOrganizationScenario(name);
  if (!options) return undefined;
  return async ({ url, state }) => {
    await buildGeneratedOrganization(url, state, options);
  };
}

/**
 * `generated-quarter:<N>:<regions>:<period end, epoch ms>`: the generated estate with a quarter of
 * AWS Config history and CloudTrail events ending then (the period benchmark's estate).
 */
function parametrizedQuarter(name: string): Scenario | undefined {
  const match = /^generated-quarter:(\d+):(\d+):(\d+)$/.exec(name);
  if (!match) return undefined;
  const [buckets, regions, end] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return async ({ state }) => loadGeneratedQuarter(state, { buckets, regions, periodEnd: new Date(end) });
}

/** The scenario of that name; throws listing the known names when there is none. */
export function getScenario(name: string): Scenario {
  const scenario =
    registry.get(name) ??
    parametrizedGenerated(name) ??
    generatedOrganization(name) ??
    parametrizedQuarter(name);
  if (!scenario)
    throw new Error(
      `unknown scenario "${name}"; known: ${scenarioNames().join(', ')}, generated:<N>, generated-org:<accounts>:<buckets>[:<regions>]`,
    );
  return scenario;
}
