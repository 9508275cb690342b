/** The CloudTrail record (the `CloudTrailEvent` JSON string) of a sandbox event. */
import type { SandboxEvent } from '../../types.ts';

/** The record as CloudTrail stores it: userIdentity, source, name, resources, parameters. */
export function cloudTrailRecord(event: SandboxEvent): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    userIdentity: userIdentity(event),
    eventTime: event.eventTime.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: event.eventSource,
    eventName: event.eventName,
    awsRegion: event.awsRegion,
    sourceIPAddress: '127.0.0.1',
    requestParameters: event.requestParameters ?? null,
    responseElements: null,
    ...(event.requestId ? { requestID: event.requestId } : {}),
    eventID: event.eventId,
    readOnly: event.readOnly,
    resources: event.resources.map((r) => ({ accountId: event.accountId, type: r.type, ARN: r.name })),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: event.accountId,
    eventCategory: 'Management',
  };
}

function userIdentity(event: SandboxEvent): Record<string, unknown> {
  const base = { arn: event.userArn, accountId: event.accountId, accessKeyId: event.accessKeyId };
  const resource = event.userArn.split(':').slice(5).join(':');
  if (resource === 'root') return { type: 'Root', principalId: event.accountId, ...base };
  const [kind, first, ...rest] = resource.split('/');
  if (kind === 'assumed-role' && first) {
    const roleArn = `arn:aws:iam::${event.accountId}:role/${first}`;
    return {
      type: 'AssumedRole',
      ...base,
      sessionContext: {
        sessionIssuer: { type: 'Role', arn: roleArn, accountId: event.accountId, userName: first },
      },
    };
  }
  if (kind === 'federated-user') return { type: 'FederatedUser', ...base };
  return { type: 'IAMUser', ...base, userName: [first, ...rest].filter(Boolean).at(-1) ?? event.username };
}
