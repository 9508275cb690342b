/**
 * What an image supports: the checks (and their criteria) whose results cite a recorded read the
 * image shows. Stamped on the image and listed in the report, so an auditor sampling a result can
 * find its screenshot and see, on the screenshot, what it is evidence for.
 */
import type { EvidenceRef } from '../snapshot/outcome.ts';
import type { Finding } from '../evaluate/types.ts';

/** The checks an image supports, with their criteria, and whether one of them failed or is excepted. */
export interface Supported {
  checks: string[];
  criteria: string[];
  /** `s3.not-public (CC6.6); s3.bucket-key (no criterion)`: the stamp's "Supports" line. */
  line: string;
  /** A failing or excepted result of the image's own resource cites what the image shows. */
  attention: boolean;
}

/** An index of findings by the records they cite (built once per capture). */
export type FindingsByRecord = Map<string, Finding[]>;

const recordKey = (ref: Pick<EvidenceRef, 'file' | 'callId'>): string => `${ref.file}#${ref.callId}`;

export function indexByRecord(findings: readonly Finding[]): FindingsByRecord {
  const index: FindingsByRecord = new Map();
  for (const f of findings) {
    for (const key of new Set(f.evidence.map(recordKey))) {
      const list = index.get(key);
      if (list) list.push(f);
      else index.set(key, [f]);
    }
  }
  return index;
}

/** The checks supported by an image showing `shows` of resource `resourceArn`. */
export function supportedBy(
  index: FindingsByRecord,
  shows: readonly Pick<EvidenceRef, 'file' | 'callId'>[],
  resourceArn: string,
): Supported {
  const checks = new Map<string, string[]>();
  let attention = false;
  for (const ref of shows) {
    for (const f of index.get(recordKey(ref)) ?? []) {
      checks.set(f.checkId, f.criteria);
      if (f.resource.arn === resourceArn && (f.status === 'fail' || f.status === 'excepted'))
        attention = true;
    }
  }
  const ids = [...checks.keys()].sort();
  const line = ids
    .map((id) => {
      const c = checks.get(id) ?? [];
      return `${id} (${c.length ? c.join(', ') : 'no criterion'})`;
    })
    .join('; ');
  return {
    checks: ids,
    criteria: [...new Set(ids.flatMap((id) => checks.get(id) ?? []))].sort(),
    line: line || 'no check result cites these records',
    attention,
  };
}
