#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=40
// Memory: a 4 MB young generation (Node's default grows to 16 MB a half) and an old generation that
// grows by 40% of what is live after a full GC (V8 otherwise lets it grow up to 4x) keep a
// 10,000-bucket run well under 500 MB and the merge of a 200-account sharded run under 600 MB
// (16 MB halves: 599 MiB). The npm scripts pass the same flags.
// Entry point: runs the compiled JavaScript in dist/ (built by `npm run build`; `npm pack` runs it
// through prepack, and in a clone `npm run demo|sandbox|bench` and the tests rebuild it when stale).
// The AWS SDK warns on Node 20 that its releases from 2027 need Node 22; this tool supports Node 20,
// so the warning is kept out of the user's way (set the variable to "false" to see it).
import { existsSync } from 'node:fs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'evidence-pack: the compiled program (dist/) is missing: run `npm run build` in the package folder\n',
  );
  process.exit(3);
}
const { main } = await import(entry.href);
await main(process.argv);
