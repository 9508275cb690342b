import { createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, VerifyCommand } from '@aws-sdk/client-kms';
import type { KMSClient } from '@aws-sdk/client-kms';
import { createClientFactory } from '../aws/client-factory.ts';
import type { EvidenceRef } from '../snapshot/outcome.ts';
import type { RecordWriter } from '../aws/raw-sink.ts';
import { createRequestRecorder } from '../aws/recorder.ts';
import { USER_AGENT } from '../version.ts';
import type { VerifyOptions } from './verify.ts';

/** The SPKI PEM public key of a KMS asymmetric key, read with the given client. */
export async function kmsPublicKeyPemFromClient(kms: KMSClient, keyId: string): Promise<string> {
  const out = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
  if (!out.PublicKey) throw new Error(`KMS GetPublicKey returned no public key for ${keyId}`);
  return createPublicKey({ key: Buffer.from(out.PublicKey), format: 'der', type: 'spki' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
}

/** Options of {@link kmsPublicKeyPem}. */
export interface KmsPublicKeyOptions {
  /** AWS-compatible endpoint (the sandbox); default `AWS_ENDPOINT_URL`, else AWS. */
  endpointUrl?: string | undefined;
  /** Named profile; default the standard credential chain. */
  profile?: string | undefined;
}

/**
 * The public key of a KMS key for `verify --kms-key-id`. The key is trusted because KMS returns it
 * for that key id (the pack's own copy is never trusted); the signature is then checked offline
 * with it. The client comes from the one client factory; `verify` is not an evidence run, so its
 * call records go to a sink that keeps nothing. Region: the key ARN's, else `AWS_REGION` /
 * `AWS_DEFAULT_REGION`, else us-east-1.
 */
export async function kmsPublicKeyPem(keyId: string, opts: KmsPublicKeyOptions = {}): Promise<string> {
  const region =
    /^arn:aws[a-z-]*:kms:([a-z0-9-]+):/.exec(keyId)?.[1] ??
    (process.env['AWS_REGION'] || process.env['AWS_DEFAULT_REGION'] || 'us-east-1');
  const factory = createClientFactory({
    endpointUrl: opts.endpointUrl,
    profile: opts.profile,
    maxAttempts: 3,
    userAgent: USER_AGENT,
    recorder: createRequestRecorder(discardSink()),
  });
  try {
    return await kmsPublicKeyPemFromClient(factory.kms(region), keyId);
  } finally {
    factory.destroy();
  }
}

/** A record sink that numbers calls and keeps nothing. */
function discardSink(): RecordWriter {
  let seq = 0;
  return {
    write(call): Promise<EvidenceRef> {
      seq += 1;
      return Promise.resolve({
        file: '(not recorded)',
        callId: `${call.service}-${call.region}-${seq}`,
        service: call.service,
        operation: call.operation,
        requestId: call.requestId,
      });
    },
  };
}

/**
 * A `kmsVerify` callback for {@link VerifyOptions}: asks KMS `Verify` (MessageType DIGEST) whether
 * the signature over manifest.json's SHA-256 is valid for `keyId`. KMS answers an invalid
 * signature with `KMSInvalidSignatureException`, which becomes `false`; other errors propagate.
 */
export function kmsVerifier(kms: KMSClient, keyId: string): NonNullable<VerifyOptions['kmsVerify']> {
  return async (digest, signature, algorithm) => {
    if (algorithm !== 'ECDSA_SHA_256' && algorithm !== 'RSASSA_PKCS1_V1_5_SHA_256') return false;
    try {
      const out = await kms.send(
        new VerifyCommand({
          KeyId: keyId,
          Message: digest,
          MessageType: 'DIGEST',
          Signature: signature,
          SigningAlgorithm: algorithm,
        }),
      );
      return out.SignatureValid === true;
    } catch (err) {
      if ((err as Error).name === 'KMSInvalidSignatureException') return false;
      throw err;
    }
  };
}
