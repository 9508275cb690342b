import { REDACTED } from '../aws/redact.ts';

/** Option names whose value is a secret: the value is recorded as `[REDACTED]`. */
const SECRET_OPTION = /(secret|token|password|passphrase|credential|private-?key|session)/i;

/** AWS access key ids (long-term `AKIA…` and temporary `ASIA…`). */
const ACCESS_KEY_ID = /\b(AKIA|ASIA)[A-Z0-9]{16}\b/g;

/** Signed-URL parameters that carry a credential or signature. */
const SIGNED_QUERY =
  /([?&](?:X-Amz-(?:Credential|Signature|Security-Token)|SigninToken|Signature)=)[^&\s]*/gi;

function redactValue(value: string): string {
  return value
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:)[^@\s/]*@/gi, `$1${REDACTED}@`)
    .replace(SIGNED_QUERY, `$1${REDACTED}`)
    .replace(ACCESS_KEY_ID, REDACTED);
}

/** POSIX-shell quoting, only where needed, so the line can be read and re-run. */
function quote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command line as recorded in the pack: `evidence-pack <args>`, with the values of secret-looking
 * options (`--token x`, `--secret=x`), passwords inside URLs, signed-URL parameters and access key
 * ids replaced by `[REDACTED]`.
 */
export function recordedCommandLine(args: readonly string[], program = 'evidence-pack'): string {
  const out: string[] = [program];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const eq = /^(--?[^=\s]+)=(.*)$/s.exec(arg);
    if (eq?.[1] !== undefined && SECRET_OPTION.test(eq[1])) {
      out.push(`${eq[1]}=${REDACTED}`);
      continue;
    }
    out.push(quote(redactValue(arg)));
    const next = args[i + 1];
    if (/^--?[A-Za-z]/.test(arg) && SECRET_OPTION.test(arg) && next !== undefined && !next.startsWith('-')) {
      out.push(REDACTED);
      i++;
    }
  }
  return out.join(' ');
}
