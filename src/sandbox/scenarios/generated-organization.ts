/**
 * A generated AWS Organization for scale: the sandbox's default account as management account,
 * N member accounts created with Organizations `CreateAccount` (each reachable through
 * `OrganizationAccountAccessRole`, as AWS makes it) in two OUs, and the buckets spread evenly over
 * the members, each member's share generated like the `generated` scenario (its own seed, prefix
 * and customer managed keys).
 */
import {
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  DescribeCreateAccountStatusCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import type { SandboxState } from '../state.ts';
import { loadDeclarative } from './declarative.ts';
import { generateScenario } from './generated.ts';

/** Parameters of a generated organization. */
export interface GenerateOrganizationOptions {
  /** Member accounts (besides the management account). */
  accounts: number;
  /** Buckets over all members, spread evenly (the first members take one more when it does not divide). */
  buckets: number;
  regions?: number;
  seed?: number;
}

/** The scenario name for these options, as `sandbox --scenario` and the bench pass it. */
export function organizationScenarioName(o: GenerateOrganizationOptions): string {
  return `generated-org:${o.accounts}:${o.buckets}:${o.regions ?? 3}${o.seed === undefined ? '' : `:${o.seed}`}`;
}

/** The options of a `generated-org:<accounts>:<buckets>[:<regions>[:<seed>]]` name, if it is one. */
export function parseOrganizationScenario(name: string): GenerateOrganizationOptions | undefined {
  const m = /^generated-org:(\d+):(\d+)(?::(\d+))?(?::(\d+))?$/.exec(name);
  if (!m) return undefined;
  return {
    accounts: Number(m[1]),
    buckets: Number(m[2]),
    ...(m[3] === undefined ? {} : { regions: Number(m[3]) }),
    ...(m[4] === undefined ? {} : { seed: Number(m[4]) }),
  };
}

/** Requests in flight while the organization is set up (the sandbox may add latency to each). */
const SETUP_CONCURRENCY = 16;

async function inBatches<T, R>(items: readonly T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T);
      }
    }),
  );
  return out;
}

/**
 * Set the organization up through the sandbox's Organizations API (as its management account),
 * then load every member's buckets and keys declaratively (fast at 10,000 buckets).
 * Returns the member account ids in creation order.
 */
export async function buildGeneratedOrganization(
  url: string,
  state: SandboxState,
  opts: GenerateOrganizationOptions,
): Promise<string[]> {
  const org = new OrganizationsClient({
    region: 'us-east-1',
    endpoint: url,
    credentials: { accessKeyId: 'AKIAGENERATEDORG', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
  try {
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const roots = await org.send(new ListRootsCommand({}));
    const root = roots.Roots?.[0]?.Id;
    if (!root) throw new Error('generated organization: no root');
    const ous: string[] = [];
    for (const Name of ['Workloads-A', 'Workloads-B']) {
      const made = await org.send(new CreateOrganizationalUnitCommand({ ParentId: root, Name }));
      if (!made.OrganizationalUnit?.Id) throw new Error(`generated organization: no id for OU ${Name}`);
      ous.push(made.OrganizationalUnit.Id);
    }
    const indexes = Array.from({ length: opts.accounts }, (_, i) => i);
    const members = await inBatches(indexes, SETUP_CONCURRENCY, async (i) => {
      const name = `member-${String(i + 1).padStart(4, '0')}`;
      const made = await org.send(
        new CreateAccountCommand({ AccountName: name, Email: `aws+${name}@generated.example` }),
      );
      const status = await org.send(
        new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: made.CreateAccountStatus?.Id }),
      );
      const id = status.CreateAccountStatus?.AccountId;
      if (!id) throw new Error(`generated organization: CreateAccount ${name} gave no account id`);
      await org.send(
        new MoveAccountCommand({
          AccountId: id,
          SourceParentId: root,
          DestinationParentId: ous[i % ous.length],
        }),
      );
      return id;
    });
    const base = Math.floor(opts.buckets / Math.max(1, opts.accounts));
    const extra = opts.buckets - base * opts.accounts;
    members.forEach((accountId, i) => {
      loadDeclarative(
        state,
        generateScenario({
          buckets: base + (i < extra ? 1 : 0),
          regions: opts.regions ?? 3,
          seed: (opts.seed ?? 42) + i,
          accountId,
          prefix: `gen-${String(i + 1).padStart(4, '0')}`,
          keysPerRegion: 1,
        }),
      );
    });
    return members;
  } finally {
    org.destroy();
  }
}
