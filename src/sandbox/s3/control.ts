/**
 * S3 Control over REST-XML: the account-level Block Public Access
 * (`/v20180820/configuration/publicAccessBlock`, account in `x-amz-account-id`).
 */
import { authError } from '../protocols/call.ts';
import type { IncomingCall, RoutedCall, SandboxResponse } from '../protocols/call.ts';
import { buildXml } from '../xml.ts';
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
      if (operation === 'GetPublicAccessBlock') {
        if (!account.accountPublicAccessBlock) {
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
              ...pabXml(account.accountPublicAccessBlock),
            },
          }),
        };
      }
      if (operation === 'PutPublicAccessBlock') {
        account.accountPublicAccessBlock = parsePab(call.body);
        recordS3Event(call.state, { operation, caller, region, readOnly: false });
        return { status: 200, headers: {}, body: '' };
      }
      account.accountPublicAccessBlock = undefined;
      recordS3Event(call.state, { operation, caller, region, readOnly: false });
      return { status: 204, headers: {}, body: '' };
    },
  };
}
