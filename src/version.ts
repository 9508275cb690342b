import { readFileSync } from 'node:fs';

/** The tool's version, from package.json (shown in --version, the manifest and the User-Agent). */
export const TOOL_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The User-Agent suffix that lets security teams recognize and allowlist the evidence run. */
export const USER_AGENT = `evidence-pack/${TOOL_VERSION}`;
