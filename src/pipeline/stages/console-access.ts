import { GetFederationTokenCommand } from '@aws-sdk/client-sts';
import type { ClientFactory } from '../../aws/client-factory.ts';
import type { ConsoleAccess } from '../../capture/console.ts';
import { organizationDiscovery, type Config } from '../../config/schema.ts';
import type { Snapshot } from '../../snapshot/model.ts';

/**
 * The bundled sandbox, as the pipeline sees it: where it listens and how its console serves a real
 * console URL. Built by the composition root (`sandbox/console/urls.ts` `sandboxLink`, handed over by
 * the `demo` and `bench` commands and `cli/sandbox-link.ts`), so the pipeline never imports
 * the sandbox.
 */
export interface SandboxLink {
  url: string;
  consoleUrlFor(realUrl: string): string;
}

/**
 * Console access for the accounts of a run (or of a shard): the role the collection read each
 * account through (from the config, or the organization role), else the caller's own account with
 * temporary credentials or a federation token.
 */
export function consoleAccess(
  factory: ClientFactory,
  opts: { config: Config; sandbox?: SandboxLink | undefined },
  snapshot: Snapshot,
): ConsoleAccess {
  const sandbox = opts.sandbox;
  const callerAccount = snapshot.caller.accountId;
  const discovery = organizationDiscovery(opts.config);
  // The roles the collection read each account through: from the config, or the organization role.
  const roles = new Map([
    ...snapshot.accounts.flatMap((a) =>
      a.source.kind === 'role' && discovery
        ? [[a.accountId, { roleArn: a.source.roleArn, externalId: discovery.externalId }] as const]
        : [],
    ),
    ...opts.config.accounts.flatMap((a) => {
      const id = a.roleArn ? /:iam::(\d{12}):/.exec(a.roleArn)?.[1] : undefined;
      return id && a.roleArn ? [[id, { roleArn: a.roleArn, externalId: a.externalId }] as const] : [];
    }),
  ]);
  const only = (accountId: string) => {
    if (accountId !== callerAccount) {
      throw new Error(`console sign-in to ${accountId} needs a role in the config (accounts[].roleArn)`);
    }
  };
  const creds = async (accountId: string) => {
    const role = roles.get(accountId);
    const provider = role
      ? factory.assumeRoleCredentials(accountId, role)
      : (only(accountId), factory.credentials);
    const c = await provider();
    return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken };
  };
  return {
    signinBase: sandbox?.url ?? 'https://signin.aws.amazon.com',
    urlFor: (url) => (sandbox ? sandbox.consoleUrlFor(url) : url),
    credentials: creds,
    getFederationToken: async (accountId: string) => {
      only(accountId);
      const out = await factory.sts('us-east-1').send(
        new GetFederationTokenCommand({
          Name: 'evidence-pack',
          DurationSeconds: 900,
          Policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: [
                  's3:Get*',
                  's3:List*',
                  'kms:Describe*',
                  'kms:Get*',
                  'kms:List*',
                  'config:Describe*',
                  'config:Get*',
                  'cloudtrail:Describe*',
                  'cloudtrail:Get*',
                ],
                Resource: '*',
              },
            ],
          }),
        }),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
        throw new Error('GetFederationToken returned no credentials');
      // The federated user is who signs in to the console: the stamp names it as the identity.
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        arn: out.FederatedUser?.Arn,
      };
    },
    sandbox: Boolean(sandbox),
    settleSelector: opts.config.capture.settleSelector,
  };
}
