import { DEMO_CREDENTIALS } from '../../sandbox/scenarios/demo.ts';
import { demoConfig } from './demo-config.ts';
import { startSandbox } from '../../sandbox/server.ts';
import { usageError } from '../errors.ts';
import { runEvidencePack } from '../../pipeline/run.ts';
import type { S3Target } from '../../upload/s3-uri.ts';
import {
  checkConfiguredBrowser,
  explainRunFailure,
  finish,
  loadConfigOrExit,
  progressFor,
  readPrevious,
  uploadFor,
  validateConfigOrExit,
} from './shared.ts';
import { sandboxLink } from '../../sandbox/console/urls.ts';

/** Options of `evidence-pack demo`. */
export interface DemoCommandOptions {
  config?: string;
  out: string;
  scenario: string;
  /** Port of the in-process sandbox (0: any free port). */
  port: number;
  screenshots: boolean;
  json?: boolean;
  failOn: 'fail' | 'gap' | 'none';
  upload?: S3Target;
  previous?: string;
  forceOutputDir?: boolean;
}

/** `evidence-pack demo`: the whole pipeline against the in-process sandbox with the demo estate. */
export async function demoCommand(opts: DemoCommandOptions): Promise<number> {
  const { config } = opts.config ? await loadConfigOrExit(opts.config) : validateConfigOrExit(demoConfig());
  checkConfiguredBrowser(config);
  const progress = progressFor(opts.json);
  progress.update({ stage: 'sandbox', message: `starting with scenario "${opts.scenario}"` });
  const sandbox = await startSandbox({ port: opts.port, scenario: opts.scenario }).catch((err: unknown) => {
    if ((err as { code?: unknown }).code === 'EADDRINUSE')
      throw usageError(`port ${opts.port} is already in use`, [
        'choose another with --port <n>, or --port 0 for any free port',
      ]);
    throw err;
  });
  try {
    progress.log(`sandbox listening on ${sandbox.url} (scenario ${opts.scenario})`);
    const built = await runEvidencePack({
      previous: opts.previous ? await readPrevious(opts.previous) : undefined,
      forceOutputDir: opts.forceOutputDir === true,
      config,
      outDir: opts.out,
      endpointUrl: sandbox.url,
      credentials: DEMO_CREDENTIALS,
      screenshots: opts.screenshots,
      sandbox: sandboxLink(sandbox.url),
      upload: uploadFor(opts.upload, config),
      progress,
    }).catch((err: unknown) => explainRunFailure(err, {}));
    return finish(built, opts, progress);
  } finally {
    await sandbox.close();
  }
}
