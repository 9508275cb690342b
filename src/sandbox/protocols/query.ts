/**
 * AWS Query protocol (STS): form-encoded `Action=...&Version=...` body, XML answers wrapped in
 * `<{Action}Response><{Action}Result>`, errors as `<ErrorResponse><Error>`.
 */
import { buildXml } from '../xml.ts';
import type { XmlNode } from '../xml.ts';
import type { SandboxError } from '../types.ts';
import type { SandboxResponse } from './call.ts';

const XML = 'text/xml';

/** Render a successful Query answer. */
export function renderQueryResult(
  action: string,
  namespace: string,
  result: XmlNode,
  requestId: string,
): SandboxResponse {
  return {
    status: 200,
    headers: { 'content-type': XML },
    body: buildXml({
      [`${action}Response`]: {
        '@_xmlns': namespace,
        [`${action}Result`]: result,
        ResponseMetadata: { RequestId: requestId },
      },
    }),
  };
}

/** Render an error in the Query shape. */
export function renderQueryError(error: SandboxError, namespace: string, requestId: string): SandboxResponse {
  return {
    status: error.status,
    headers: { 'content-type': XML, ...error.extraHeaders },
    body: buildXml({
      ErrorResponse: {
        '@_xmlns': namespace,
        Error: {
          Type: error.status >= 500 ? 'Receiver' : 'Sender',
          Code: error.code,
          Message: error.message,
        },
        RequestId: requestId,
      },
    }),
  };
}

/** Parameters of a Query request: the form body, falling back to the URL query (GET requests). */
export function queryParams(body: Buffer, query: URLSearchParams): URLSearchParams {
  const text = body.toString('utf8');
  return text.trim() === '' ? query : new URLSearchParams(text);
}
