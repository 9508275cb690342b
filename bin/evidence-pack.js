#!/usr/bin/env node
// Entry point: runs the TypeScript sources through tsx, so `npx evidence-pack` works right after
// `npm install` with no build step.
// The AWS SDK warns on Node 20 that its releases from 2027 need Node 22; this tool supports Node 20,
// so the warning is kept out of the user's way (set the variable to "false" to see it).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv);
