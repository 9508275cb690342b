/**
 * Resource control policies on the S3 requests the sandbox serves: every request to a bucket whose
 * owner is a member account is judged, with IAM semantics (iam-simulate), against the RCPs
 * attached to the owner's root, the OUs on its path and the account itself (never for the
 * management account, as on AWS). An explicit deny answers 403 AccessDenied with the message S3
 * gives a same-organization caller.
 *
 * Transport: the sandbox listens on plain HTTP and stands in for S3's HTTPS endpoints, which is
 * all the SDK uses. A request therefore counts as made over TLS (`aws:SecureTransport` true,
 * `s3:TlsVersion` 1.3) unless it says otherwise with `X-Forwarded-Proto: http`, as a
 * TLS-terminating front sets it for a request that reached it over plain HTTP.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { organizationOf, pathOf, type SandboxOrganization } from '../organizations/model.ts';
import type { BucketState, Caller } from '../types.ts';
import { S3Error } from './context.ts';
import { iamRequest } from './iam-action.ts';

/** True unless the request says it arrived over plain HTTP. */
export function overTls(headers: IncomingHttpHeaders): boolean {
  const proto = headers['x-forwarded-proto'];
  const value = (Array.isArray(proto) ? proto[0] : proto)?.split(',')[0]?.trim().toLowerCase();
  return value !== 'http';
}

function principalType(arn: string): string {
  if (/:assumed-role\//.test(arn)) return 'AssumedRole';
  if (/:root$/.test(arn)) return 'Account';
  if (/:federated-user\//.test(arn)) return 'FederatedUser';
  return 'User';
}

/** Custom RCPs by level (root, OUs, account), as iam-simulate takes them. */
function levels(org: SandboxOrganization, accountId: string): Simulation['resourceControlPolicies'] {
  const out: Simulation['resourceControlPolicies'] = [];
  for (const node of [...pathOf(org, accountId), accountId]) {
    const policies = [...org.policies.values()]
      .filter(
        (p) => p.type === 'RESOURCE_CONTROL_POLICY' && !p.awsManaged && org.attachments.get(p.id)?.has(node),
      )
      .map((p) => ({ name: p.id, policy: JSON.parse(p.content) as unknown }));
    if (policies.length > 0) out.push({ orgIdentifier: node, policies });
  }
  return out;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Throws AccessDenied when an RCP in force for the bucket's owner explicitly denies the request. */
export async function enforceResourceControlPolicies(request: {
  operation: string;
  bucket: BucketState;
  key: string | undefined;
  caller: Caller;
  headers: IncomingHttpHeaders;
  organization: SandboxOrganization | undefined;
}): Promise<void> {
  const { bucket, caller, headers } = request;
  const org = organizationOf(request.organization, bucket.accountId);
  if (!org || org.managementAccountId === bucket.accountId) return;
  if (!org.enabledPolicyTypes.has('RESOURCE_CONTROL_POLICY')) return;
  const rcps = levels(org, bucket.accountId);
  if (rcps.length === 0) return;
  const target = iamRequest(request.operation, bucket.name, request.key);
  if (!target) return;
  const tls = overTls(headers);
  const context: Record<string, string> = {
    'aws:SecureTransport': String(tls),
    'aws:PrincipalArn': caller.arn,
    'aws:PrincipalAccount': caller.accountId,
    'aws:PrincipalType': principalType(caller.arn),
    'aws:userid': caller.userId,
    'aws:ResourceAccount': bucket.accountId,
    'aws:ResourceOrgID': org.id,
  };
  if (tls) context['s3:TlsVersion'] = '1.3';
  if (org.accounts.has(caller.accountId)) context['aws:PrincipalOrgID'] = org.id;
  for (const name of [
    'x-amz-server-side-encryption',
    'x-amz-server-side-encryption-aws-kms-key-id',
    'x-amz-server-side-encryption-customer-algorithm',
    'x-amz-acl',
  ]) {
    const value = header(headers, name);
    if (value !== undefined) context[`s3:${name}`] = value;
  }
  const result = await runSimulation(
    {
      request: {
        principal: caller.arn,
        action: target.action,
        resource: { resource: target.resource, accountId: bucket.accountId },
        contextVariables: context,
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: rcps,
    },
    { simulationMode: 'Strict' },
  );
  // An RCP the simulator rejects cannot have been attached on AWS (Organizations validates it).
  if (result.resultType !== 'single') return;
  const denied = result.result.analysis.rcpAnalysis?.ouAnalysis.some((l) => l.denyStatements.length > 0);
  if (!denied) return;
  throw new S3Error(
    'AccessDenied',
    `User: ${caller.arn} is not authorized to perform: ${target.action} on resource: "${target.resource}" with an explicit deny in a resource control policy`,
    403,
  );
}
