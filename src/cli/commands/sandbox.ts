import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { parseFaultRule, type FaultRule } from '../../sandbox/faults.ts';
import { organizationScenarioName, scenarioNames } from '../../sandbox/scenarios/index.ts';
import { startSandbox } from '../../sandbox/server.ts';
import { DEMO_CREDENTIALS } from '../../sandbox/scenarios/demo.ts';
import { usageError } from '../errors.ts';

/** Options of `evidence-pack sandbox`. */
export interface SandboxCommandOptions {
  port: number;
  host: string;
  scenario: string;
  latency: number;
  buckets: number;
  regions: number;
  /** With `generated`: an organization of this many member accounts sharing the buckets. */
  accounts?: number | undefined;
  faults?: string;
  maxBodyBytes?: number;
}

async function readFaults(file: string): Promise<FaultRule[]> {
  if (!existsSync(file)) throw usageError(`no such faults file: ${file}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw usageError(`${file} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { rules?: unknown }).rules;
  if (!Array.isArray(list))
    throw usageError(`${file} must hold an array of fault rules (or { "rules": [...] })`);
  const rules: FaultRule[] = [];
  const problems: string[] = [];
  list.forEach((raw, i) => {
    const rule = parseFaultRule(raw);
    if (typeof rule === 'string') problems.push(`rules[${i}]: ${rule}`);
    else rules.push(rule);
  });
  if (problems.length) throw usageError(`invalid fault rules in ${file}`, problems);
  return rules;
}

/** `evidence-pack sandbox`: serve the sandbox until SIGINT/SIGTERM. */
export async function sandboxCommand(opts: SandboxCommandOptions): Promise<number> {
  if (opts.accounts !== undefined && (opts.scenario !== 'generated' || opts.accounts < 1))
    throw usageError('--accounts needs --scenario generated and at least 1 account');
  const scenario =
    opts.scenario === 'generated'
      ? opts.accounts !== undefined
        ? organizationScenarioName({ accounts: opts.accounts, buckets: opts.buckets, regions: opts.regions })
        : `generated:${opts.buckets}:${opts.regions}`
      : opts.scenario;
  if (!scenario.startsWith('generated') && !scenarioNames().includes(scenario)) {
    throw usageError(`unknown scenario "${opts.scenario}"; known: ${scenarioNames().join(', ')}`);
  }
  const faults = opts.faults ? await readFaults(opts.faults) : [];
  let sandbox;
  try {
    sandbox = await startSandbox({
      port: opts.port,
      host: opts.host,
      scenario,
      latencyMs: opts.latency,
      faults,
      ...(opts.maxBodyBytes === undefined ? {} : { maxBodyBytes: opts.maxBodyBytes }),
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw usageError(`port ${opts.port} is in use; choose another with --port (0 = any)`);
    throw err;
  }
  const out = process.stdout;
  out.write(`sandbox listening on ${sandbox.url} (scenario ${scenario})\n\n`);
  out.write(`  export AWS_ENDPOINT_URL=${sandbox.url}\n`);
  out.write(
    `  export AWS_ACCESS_KEY_ID=${DEMO_CREDENTIALS.accessKeyId} AWS_SECRET_ACCESS_KEY=any AWS_REGION=us-east-1\n`,
  );
  out.write(`  npx evidence-pack run --endpoint-url ${sandbox.url}\n\n`);
  out.write(
    'Any access key acts as account 111122223333; STS AssumeRole into another account id creates it.\n',
  );
  out.write(`Admin API: ${sandbox.url}/_sandbox/{health,faults,latency,stats,clock}. Ctrl-C to stop.\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await sandbox.close();
  return 0;
}
