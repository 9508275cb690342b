import { afterEach, describe, expect, it } from 'vitest';
import { createClientFactory, type ClientFactory } from '../../src/aws/client-factory.ts';
import type { RecordWriter } from '../../src/aws/raw-sink.ts';
import { createRequestRecorder } from '../../src/aws/recorder.ts';

const noSink: RecordWriter = {
  write: () => Promise.reject(new Error('no calls in this test')),
};

const factories: ClientFactory[] = [];
afterEach(() => {
  for (const f of factories.splice(0)) f.destroy();
  delete process.env['AWS_ENDPOINT_URL'];
});

function factory(endpointUrl?: string): ClientFactory {
  const f = createClientFactory({
    endpointUrl,
    credentials: () => Promise.resolve({ accessKeyId: 'AKIA', secretAccessKey: 'x' }),
    maxAttempts: 5,
    userAgent: 'evidence-pack/1.2.3',
    recorder: createRequestRecorder(noSink),
    accountId: '111122223333',
  });
  factories.push(f);
  return f;
}

describe('createClientFactory', () => {
  it('caches one client per service and region', () => {
    const f = factory('http://127.0.0.1:9');
    expect(f.s3('us-east-1')).toBe(f.s3('us-east-1'));
    expect(f.s3('eu-west-1')).not.toBe(f.s3('us-east-1'));
    expect(f.client('kms', 'us-east-1')).toBe(f.kms('us-east-1'));
  });

  it('identifies the tool, retries with backoff (standard mode) and uses path-style S3 against a custom endpoint', async () => {
    const f = factory('http://127.0.0.1:9');
    const s3 = f.s3('eu-west-1');
    expect(s3.config.customUserAgent).toEqual([['evidence-pack/1.2.3']]);
    expect(await s3.config.maxAttempts()).toBe(5);
    expect(await retryModeOf(s3.config)).toBe('standard');
    expect(s3.config.forcePathStyle).toBe(true);
    expect(s3.config.followRegionRedirects).toBe(true);
    const ep = f
      .s3control('us-east-1')
      .config.endpointProvider({ Region: 'us-east-1', AccountId: '111122223333' } as never);
    expect(ep.url.toString()).toBe('http://127.0.0.1:9/');
  });

  it('honours AWS_ENDPOINT_URL, and talks to AWS endpoints without one', async () => {
    process.env['AWS_ENDPOINT_URL'] = 'http://127.0.0.1:7';
    expect(factory().endpointUrl).toBe('http://127.0.0.1:7');
    delete process.env['AWS_ENDPOINT_URL'];
    const aws = factory();
    expect(aws.endpointUrl).toBeUndefined();
    expect(aws.s3('us-east-1').config.forcePathStyle).toBe(false);
  });

  it('derives account factories that keep the root settings', async () => {
    const root = factory('http://127.0.0.1:9');
    const other = root.forAccount('444455556666', () =>
      Promise.resolve({ accessKeyId: 'B', secretAccessKey: 'y' }),
    );
    expect(other.accountId).toBe('444455556666');
    expect(other.limiter).not.toBe(root.limiter);
    expect(root.withAccountId('111122223333').limiter).toBe(root.limiter);
    expect(await retryModeOf(other.kms('us-east-1').config)).toBe('standard');
  });
});

/** The resolved retry mode (the SDK exposes it through the retry strategy or as a provider). */
async function retryModeOf(config: { retryStrategy?: unknown; retryMode?: unknown }): Promise<unknown> {
  if (typeof config.retryMode === 'function') return (config.retryMode as () => Promise<unknown>)();
  if (typeof config.retryMode === 'string') return config.retryMode;
  const strategy = await (config.retryStrategy as () => Promise<{ mode?: string }>)();
  return strategy.mode;
}
