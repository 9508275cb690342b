// Load check of the sandbox (`npm run bench:connections [-- N]`): N simultaneous HTTP connections
// (default 2,000) to an in-process sandbox, each a GetBucketAcl; prints the wall time and exits 1
// if any answer is not 200. Kept out of the unit suite: it measures the machine as much as the code.
import { Agent, request } from 'node:http';

const { startSandbox } = await import(new URL('../dist/sandbox/server.js', import.meta.url).href);

const count = Number(process.argv[2] ?? 2000);
if (!Number.isInteger(count) || count < 1) {
  process.stderr.write('usage: npm run bench:connections [-- <connections>]\n');
  process.exit(2);
}

const sandbox = await startSandbox({ scenario: 'generated:50:1:1' });
const names = [...sandbox.state.buckets.keys()];
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
const one = (i) =>
  new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: sandbox.port,
        agent,
        path: `/${names[i % names.length]}?acl`,
        headers: {
          authorization: 'AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20250101/us-east-1/s3/aws4_request',
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', (e) => resolve(e.code ?? String(e)));
    req.end();
  });

const t0 = performance.now();
const statuses = await Promise.all(Array.from({ length: count }, (_, i) => one(i)));
const ms = performance.now() - t0;
agent.destroy();
await sandbox.close();
const failed = statuses.filter((s) => s !== 200);
process.stdout.write(
  `${count} simultaneous connections: ${count - failed.length} answered 200 in ${ms.toFixed(0)} ms` +
    (failed.length ? `; ${failed.length} failed (${[...new Set(failed)].join(', ')})` : '') +
    '\n',
);
process.exit(failed.length ? 1 : 0);
