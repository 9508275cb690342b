// Entry point of the benchmark's SDK replay child process (see `replayInChild`).
import { runReplayJob } from './sdk-replay.ts';

const job = process.argv[2];
if (!job) {
  process.stderr.write('usage: sdk-replay-child <job.json>\n');
  process.exit(2);
}
await runReplayJob(job);
