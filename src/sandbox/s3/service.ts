/**
 * S3 over REST-XML: routes a request to its handler, and after each successful control-plane call
 * records the CloudTrail management event and (for writes) the AWS Config configuration item.
 */
import { authError } from '../protocols/call.ts';
import type { IncomingCall, RoutedCall, SandboxResponse } from '../protocols/call.ts';
import type { SandboxError } from '../types.ts';
import { buildXml } from '../xml.ts';
import { bucketAccessHandlers } from './bucket-access.ts';
import { bucketConfigHandlers } from './bucket-config.ts';
import { bucketLifecycleHandlers } from './bucket-lifecycle.ts';
import { S3Error } from './context.ts';
import type { S3Context, S3Handler } from './context.ts';
import { recordBucketChange, recordS3Event } from './history.ts';
import { inventoryHandlers } from './inventory.ts';
import { objectHandlers } from './objects.ts';
import { enforceResourceControlPolicies } from './resource-control.ts';
import { isObjectOperation, isReadOnly, s3Address, s3OperationName } from './operation-name.ts';

const HANDLERS: Record<string, S3Handler> = {
  ...bucketLifecycleHandlers,
  ...bucketConfigHandlers,
  ...bucketAccessHandlers,
  ...objectHandlers,
  ...inventoryHandlers,
};

/** Operations that record their own history item (create/delete). */
const SELF_RECORDING = new Set(['CreateBucket', 'DeleteBucket']);

/** Render an S3 error as `<Error>`; HEAD answers carry no body. */
export function renderS3Error(
  error: SandboxError,
  requestId: string,
  method: string,
  root = 'Error',
): SandboxResponse {
  const fields = error instanceof S3Error ? error.fields : {};
  const content = { Code: error.code, Message: error.message, ...fields, RequestId: requestId };
  return {
    status: error.status,
    headers: { 'content-type': 'application/xml', ...error.extraHeaders },
    body:
      method === 'HEAD'
        ? undefined
        : buildXml(
            root === 'Error' ? { Error: content } : { [root]: { Error: content, RequestId: requestId } },
          ),
  };
}

/** Route an S3 request. */
export function routeS3(call: IncomingCall): RoutedCall {
  const address = s3Address(call.rawPath, call.headers.host);
  const operation = s3OperationName(call.method, address, call.query, call.headers);
  return {
    protocol: 'rest-xml',
    service: 's3',
    operation,
    resource: address.bucket,
    renderError: (error) => renderS3Error(error, call.requestId, call.method),
    async execute() {
      const handler = Object.hasOwn(HANDLERS, operation) ? HANDLERS[operation] : undefined;
      if (!call.auth.ok) throw authError(call.auth.failure, 'rest-xml');
      if (!handler) {
        throw new S3Error(
          'NotImplemented',
          `A header or query you provided implies functionality that is not implemented (${operation})`,
          501,
        );
      }
      const { caller, region } = call.auth;
      const ctx: S3Context = {
        operation,
        method: call.method,
        bucketName: address.bucket,
        key: address.key,
        query: call.query,
        headers: call.headers,
        body: call.body,
        caller,
        region,
        state: call.state,
        requestId: call.requestId,
      };
      const bucket = address.bucket ? call.state.buckets.get(address.bucket) : undefined;
      if (bucket && bucket.region === region) {
        await enforceResourceControlPolicies({
          operation,
          bucket,
          key: address.key,
          caller,
          headers: call.headers,
          organization: call.state.organization,
        });
      }
      const response = await handler(ctx);
      if (!isObjectOperation(operation)) {
        const readOnly = isReadOnly(operation);
        const after = address.bucket ? call.state.buckets.get(address.bucket) : undefined;
        if (!readOnly && after && !SELF_RECORDING.has(operation)) recordBucketChange(call.state, after, 'OK');
        recordS3Event(call.state, {
          operation,
          caller,
          region,
          bucket: address.bucket,
          readOnly,
          requestId: call.requestId,
        });
      }
      return response;
    },
  };
}
