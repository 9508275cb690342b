/** Who ran the tool: a CI run (system, run id, URL) or a person at a machine. */
export type Operator =
  | {
      kind: 'ci';
      /** `GitHub Actions`, `GitLab CI`, `CircleCI`, `Jenkins`, `Buildkite`. */
      system: string;
      runId: string;
      /** Link to the run, when the system gives one. */
      runUrl?: string | undefined;
      /** The user or trigger the system names, when it does. */
      actor?: string | undefined;
    }
  | { kind: 'local'; user: string; host: string };

type Env = Readonly<Record<string, string | undefined>>;

function joinUrl(...parts: (string | undefined)[]): string | undefined {
  return parts.every((p) => p !== undefined && p !== '') ? parts.join('') : undefined;
}

/** One CI system: recognized by its marker variable, described from its standard variables. */
const CI_SYSTEMS: {
  system: string;
  marker: string;
  read(env: Env): Omit<Operator & { kind: 'ci' }, 'kind' | 'system'>;
}[] = [
  {
    system: 'GitHub Actions',
    marker: 'GITHUB_ACTIONS',
    read: (env) => ({
      runId: [env['GITHUB_RUN_ID'], env['GITHUB_RUN_ATTEMPT']].filter(Boolean).join('.') || 'unknown',
      runUrl: joinUrl(
        env['GITHUB_SERVER_URL'],
        '/',
        env['GITHUB_REPOSITORY'],
        '/actions/runs/',
        env['GITHUB_RUN_ID'],
      ),
      actor: env['GITHUB_ACTOR'],
    }),
  },
  {
    system: 'GitLab CI',
    marker: 'GITLAB_CI',
    read: (env) => ({
      runId: env['CI_JOB_ID'] ?? env['CI_PIPELINE_ID'] ?? 'unknown',
      runUrl: env['CI_JOB_URL'] ?? env['CI_PIPELINE_URL'],
      actor: env['GITLAB_USER_LOGIN'],
    }),
  },
  {
    system: 'CircleCI',
    marker: 'CIRCLECI',
    read: (env) => ({
      runId: env['CIRCLE_WORKFLOW_JOB_ID'] ?? env['CIRCLE_BUILD_NUM'] ?? 'unknown',
      runUrl: env['CIRCLE_BUILD_URL'],
      actor: env['CIRCLE_USERNAME'],
    }),
  },
  {
    system: 'Buildkite',
    marker: 'BUILDKITE',
    read: (env) => ({
      runId: env['BUILDKITE_JOB_ID'] ?? env['BUILDKITE_BUILD_ID'] ?? 'unknown',
      runUrl: env['BUILDKITE_BUILD_URL'],
      actor: env['BUILDKITE_BUILD_CREATOR_EMAIL'] ?? env['BUILDKITE_BUILD_CREATOR'],
    }),
  },
  {
    system: 'Jenkins',
    marker: 'JENKINS_URL',
    read: (env) => ({
      runId: env['BUILD_TAG'] ?? env['BUILD_ID'] ?? env['BUILD_NUMBER'] ?? 'unknown',
      runUrl: env['BUILD_URL'],
      actor: env['BUILD_USER_ID'],
    }),
  },
];

/**
 * The operator of this run, from the standard variables of GitHub Actions, GitLab CI, CircleCI,
 * Buildkite and Jenkins; otherwise the local user and host name.
 */
export function detectOperator(env: Env, local: { user: string; host: string }): Operator {
  for (const ci of CI_SYSTEMS) {
    const marker = env[ci.marker];
    if (marker !== undefined && marker !== '' && marker !== 'false') {
      const r = ci.read(env);
      return {
        kind: 'ci',
        system: ci.system,
        runId: r.runId,
        ...(r.runUrl ? { runUrl: r.runUrl } : {}),
        ...(r.actor ? { actor: r.actor } : {}),
      };
    }
  }
  return { kind: 'local', user: local.user, host: local.host };
}

/** `GitHub Actions run 42.1 (https://…) by octocat` / `alice@build-01`. */
export function operatorLabel(op: Operator): string {
  if (op.kind === 'local') return `${op.user}@${op.host}`;
  return `${op.system} run ${op.runId}${op.runUrl ? ` (${op.runUrl})` : ''}${op.actor ? ` by ${op.actor}` : ''}`;
}
