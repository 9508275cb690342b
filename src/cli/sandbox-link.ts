/**
 * Part of the composition root: besides the `demo`, `sandbox` and `bench` commands, the one CLI
 * module that may import the sandbox. `run` asks it whether its endpoint is the bundled sandbox and
 * gets the {@link SandboxLink} the pipeline takes, so the pipeline knows nothing of the sandbox.
 */
import type { SandboxLink } from '../pipeline/run.ts';
import { sandboxLink } from '../sandbox/console/urls.ts';
import { isEvidencePackSandbox } from '../sandbox/detect.ts';

/** The link to `endpointUrl` when it is this project's sandbox, otherwise `undefined`. */
export async function detectSandboxLink(endpointUrl: string | undefined): Promise<SandboxLink | undefined> {
  return endpointUrl && (await isEvidencePackSandbox(endpointUrl)) ? sandboxLink(endpointUrl) : undefined;
}
