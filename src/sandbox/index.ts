/**
 * `evidence-pack/sandbox`: the local AWS-compatible endpoint, for tests of your own tooling.
 * `startSandbox({ scenario: 'demo' })` serves S3, S3 Control, STS, KMS, Config and CloudTrail on
 * loopback; any access key works against it.
 */
export { startSandbox, type RunningSandbox, type StartSandboxOptions } from './server.ts';
export { DEMO_CREDENTIALS } from './scenarios/demo.ts';
