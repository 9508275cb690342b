/**
 * S3 Control over REST-XML: the account-level Block Public Access
 * (`/v20180820/configuration/publicAccessBlock`, account in `x-amz-account-id`). Under an
 * organization S3 policy that sets Block Public Access, GetPublicAccessBlock reports the effective
 * setting, and a PutPublicAccessBlock that would change it or a DeletePublicAccessBlock is refused
 * with 403 AccessDenied, as S3 documents for accounts managed by an organization-level policy (a
 * Put that restates the effective setting changes nothing and is accepted).
 */
import { recordAccountPabConfiguration } from './account-pab-history.ts';
import { authError } from '../protocols/call.ts';
import type { IncomingCall, RoutedCall, SandboxResponse } from '../protocols/call.ts';
import type { PabState } from '../types.ts';
import { buildXml } from '../xml.ts';
import { effectiveAccountPab, orgBpaSetting } from '../organizations/s3-policy.ts';
import { parsePab, pabXml } from './bucket-config.ts';
import { S3Error } from './context.ts';
import { recordS3Event } from './history.ts';
import { renderS3Error } from './service.ts';

const NAMESPACE = 'http://awss3control.amazonaws.com/doc/2018-08-20/';
const PAB_PATH = '/v20180820/configuration/publicAccessBlock';
const OPERATIONS: Partial<Record<string, string>> = {
  GET: 'GetPublicAccessBlock',
  PUT: 'PutPublicAccessBlock',
  DELETE: 'DeletePublicAccessBlock',
};

/** True for paths S3 Control serves. */
export function isS3ControlPath(rawPath: string): boolean {
  return rawPath.startsWith('/v20180820/');
}

/** Route an S3 Control request. */
export function routeS3Control(call: IncomingCall): RoutedCall {
  const operation = (call.rawPath === PAB_PATH ? OPERATIONS[call.method] : undefined) ?? 'Unknown';
  const header = call.headers['x-amz-account-id'];
  const accountId = typeof header === 'string' ? header : undefined;
  return {
    protocol: 'rest-xml',
    service: 's3control',
    operation,
    resource: accountId,
    renderError: (error) => renderS3Error(error, call.requestId, call.method, 'ErrorResponse'),
    async execute(): Promise<SandboxResponse> {
      if (!call.auth.ok) throw authError(call.auth.failure, 'rest-xml');
      if (operation === 'Unknown')
        throw new S3Error('NotImplemented', 'The sandbox does not implement this S3 Control operation', 501);
      if (!accountId || !/^\d{12}$/.test(accountId)) {
        throw new S3Error('InvalidRequest', 'Missing or invalid x-amz-account-id header', 400);
      }
      const { caller, region } = call.auth;
      if (accountId !== caller.accountId) throw new S3Error('AccessDenied', 'Access Denied', 403);
      const account = call.state.account(accountId);
      const managed = orgBpaSetting(call.state, accountId) !== undefined;
      if (operation === 'GetPublicAccessBlock') {
        const effective = effectiveAccountPab(call.state, accountId);
        if (!effective) {
          throw new S3Error(
            'NoSuchPublicAccessBlockConfiguration',
            'The public access block configuration was not found',
            404,
            {
              AccountId: accountId,
            },
          );
        }
        recordS3Event(call.state, { operation, caller, region, readOnly: true });
        return {
          status: 200,
          headers: { 'content-type': 'application/xml' },
          body: buildXml({
            PublicAccessBlockConfiguration: {
              '@_xmlns': NAMESPACE,
              ...pabXml(effective),
            },
          }),
        };
      }
      if (operation === 'PutPublicAccessBlock') {
        const requested = parsePab(call.body);
        if (managed && !samePab(requested, effectiveAccountPab(call.state, accountId)))
          throw managedByOrganization();
        account.accountPublicAccessBlock = requested;
        recordAccountPabConfiguration(account, region, call.state.now());
        recordS3Event(call.state, { operation, caller, region, readOnly: false });
        return { status: 200, headers: {}, body: '' };
      }
      if (managed) throw managedByOrganization();
      account.accountPublicAccessBlock = undefined;
      recordAccountPabConfiguration(account, region, call.state.now());
      recordS3Event(call.state, { operation, caller, region, readOnly: false });
      return { status: 204, headers: {}, body: '' };
    },
  };
}

/** The refusal of a change to an account-level setting an organization S3 policy manages. */
function managedByOrganization(): S3Error {
  return new S3Error('AccessDenied', 'Access Denied', 403);
}

function samePab(a: PabState, b: PabState | undefined): boolean {
  return (
    b !== undefined &&
    a.BlockPublicAcls === b.BlockPublicAcls &&
    a.IgnorePublicAcls === b.IgnorePublicAcls &&
    a.BlockPublicPolicy === b.BlockPublicPolicy &&
    a.RestrictPublicBuckets === b.RestrictPublicBuckets
  );
}
