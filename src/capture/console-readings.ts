/**
 * What a console page showed about a known setting, read from the page's visible text (the words an
 * auditor sees in the image). The readers are pure functions of that text and know the wording the
 * AWS console uses, which the sandbox console copies; a page that shows none of it (an error, a
 * permissions notice, a redesigned page) yields no reading, never a guessed one.
 */
import type { ConsoleField } from '../evaluate/console-cross-checks.ts';

export type { ConsoleField };

/** One setting a console page showed, as a sentence fragment. */
export interface ConsoleReading {
  field: ConsoleField;
  /** e.g. `SSE-KMS (aws:kms) with key arn:aws:kms:…, Bucket Key enabled`. */
  shows: string;
}

/** The S3 console's names for the default-encryption types, most specific first. */
const ENCRYPTION_TYPES = [
  {
    phrase: 'Dual-layer server-side encryption with AWS KMS keys (DSSE-KMS)',
    label: 'DSSE-KMS (aws:kms:dsse)',
  },
  {
    phrase: 'Server-side encryption with AWS Key Management Service keys (SSE-KMS)',
    label: 'SSE-KMS (aws:kms)',
  },
  { phrase: 'Server-side encryption with Amazon S3 managed keys (SSE-S3)', label: 'SSE-S3 (AES256)' },
] as const;

/** The key as the page names it: an ARN, an alias or a key id (whatever the bucket's rule names). */
const KEY =
  /(?:Encryption key ARN|AWS KMS key ARN|KMS key ARN)[ \t]+(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:\S+|alias\/\S+|mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/;
const BUCKET_KEY = /Bucket Key\s+(Enabled|Disabled)\b/;

/** The default encryption a bucket's Properties page shows, if it shows one. */
export function readDefaultEncryption(text: string): ConsoleReading | undefined {
  const start = text.indexOf('Default encryption');
  if (start < 0) return undefined;
  const panel = text.slice(start);
  const found = ENCRYPTION_TYPES.map((t) => ({ t, at: panel.indexOf(t.phrase) }))
    .filter((x) => x.at >= 0)
    .sort((a, b) => a.at - b.at)[0];
  if (!found) return undefined;
  const rest = panel.slice(found.at + found.t.phrase.length);
  const key = KEY.exec(rest)?.[1];
  const bucketKey = BUCKET_KEY.exec(rest)?.[1];
  return {
    field: 'default-encryption',
    shows:
      found.t.label +
      (key ? ` with key ${key}` : '') +
      (bucketKey ? `, Bucket Key ${bucketKey.toLowerCase()}` : ''),
  };
}

const READERS: Record<ConsoleField, (text: string) => ConsoleReading | undefined> = {
  'default-encryption': readDefaultEncryption,
};

/** The readings of `fields` from a page's visible text (fields the page does not show are left out). */
export function readConsolePage(text: string, fields: readonly ConsoleField[]): ConsoleReading[] {
  return fields.flatMap((f) => {
    const r = READERS[f](text);
    return r ? [r] : [];
  });
}
