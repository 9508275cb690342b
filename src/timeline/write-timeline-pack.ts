import { canonicalJsonBytes } from '../pack/canonical-json.ts';
import { README_TXT_PATH, sha256Hex } from '../pack/pack-paths.ts';
import type { PackFile } from '../pack/assemble.ts';
import { packName, writePack, type WrittenPack } from '../pack/write-pack.ts';
import { forPlainText } from '../text/safe-text.ts';
import { TOOL_VERSION } from '../version.ts';
import { formatDuration, type Timeline } from './build-timeline.ts';
import { tableCsv, timelineTables } from './tables.ts';
import { renderTimelinePdf } from './timeline-pdf.ts';

/** Pack path of the timeline document. */
export const TIMELINE_JSON_PATH = 'timeline/timeline.json';
/** Pack path of the timeline report. */
export const TIMELINE_PDF_PATH = 'report.pdf';

function readme(t: Timeline, zipName: string, files: readonly string[]): string {
  const lines = [
    `EVIDENCE PACK TIMELINE — ${zipName}`,
    '',
    ...(t.snapshots.some((s) => s.sandbox)
      ? [
          '*** SANDBOX DATA — NOT AN AWS ACCOUNT ***',
          'Built from packs made against the bundled sandbox.',
          '',
        ]
      : []),
    'Period evidence from a series of evidence packs: every check result at every snapshot, each',
    'change at the snapshot where it first appears, each deviation with when it was first and last',
    'seen, and the intervals between snapshots longer than the schedule.',
    '',
    `Snapshots: ${t.snapshots.length}, from ${t.snapshots[0]?.collectedAt ?? ''} to ${t.snapshots.at(-1)?.collectedAt ?? ''}`,
    `Schedule: ${t.schedule.source === 'none' ? 'none' : `${formatDuration(t.schedule.ms)} (${t.schedule.source})`}; gaps: ${t.gaps.length}`,
    `Deviations: ${t.deviations.length}; changes: ${t.changes.length}`,
    '',
    'SOURCE PACKS (each verified before use; SHA-256 of the ZIP, as in its .sha256 sidecar)',
    ...t.snapshots.map((s, i) => `  #${i + 1}  ${s.collectedAt}  ${s.sha256}  ${s.file}`),
    'The same list, with each manifest.json digest, is in manifest.json ("sourcePacks").',
    '',
    'CONTENTS',
    ...files.map((f) => `  ${f}`),
    '',
    'VERIFY',
    `  evidence-pack verify ${zipName}`,
    '  or: unzip it and run `sha256sum -c SHA256SUMS` inside.',
    '',
  ];
  return forPlainText(lines.join('\n'));
}

/** Input of {@link writeTimelinePack}. */
export interface TimelinePackInput {
  timeline: Timeline;
  outDir: string;
}

/**
 * Writes the timeline as a pack of its own (README.txt, report.pdf, timeline.json and one CSV per
 * table; manifest.json lists the source packs' digests), verifiable with `evidence-pack verify`.
 * Deterministic: named and dated by the last snapshot, so the same packs give the same ZIP.
 */
export async function writeTimelinePack(input: TimelinePackInput): Promise<WrittenPack> {
  const t = input.timeline;
  const first = t.snapshots[0];
  const last = t.snapshots.at(-1);
  if (!first || !last) throw new Error('a timeline needs at least one snapshot');
  const fixedTime = new Date(last.collectedAt);
  const accounts = [...new Set(t.snapshots.flatMap((s) => s.accounts))].sort();
  const subject = accounts.length === 1 ? accounts[0]! : 'multi-account';
  const name = packName(`timeline_${subject}`, fixedTime);
  const tables = timelineTables(t);
  const body: PackFile[] = [
    { path: TIMELINE_PDF_PATH, content: await renderTimelinePdf(t, tables) },
    { path: TIMELINE_JSON_PATH, content: canonicalJsonBytes(t) },
    ...tables.map((tb) => ({ path: tb.path, content: tableCsv(tb) })),
  ];
  const paths = [README_TXT_PATH, ...body.map((f) => f.path)];
  const options = { schedule: t.schedule, tolerance: t.tolerance };
  return writePack({
    outDir: input.outDir,
    name,
    fixedTime,
    files: [{ path: README_TXT_PATH, content: readme(t, `${name}.zip`, paths) }, ...body],
    manifest: {
      tool: { name: 'evidence-pack', version: TOOL_VERSION },
      runId: `timeline-${sha256Hex(t.snapshots.map((s) => s.sha256).join('\n')).slice(0, 16)}`,
      collection: { startedAt: first.collectedAt, finishedAt: last.collectedAt },
      callerIdentityArn: null,
      accounts,
      regions: [...new Set(t.snapshots.flatMap((s) => s.regions))].sort(),
      criteria: [...new Set(t.snapshots.flatMap((s) => s.criteria))].sort(),
      configDigest: `sha256:${sha256Hex(canonicalJsonBytes(options))}`,
      sandbox: t.snapshots.some((s) => s.sandbox),
      extra: {
        kind: 'timeline',
        sourcePacks: t.snapshots.map((s) => ({
          file: s.file,
          sha256: s.sha256,
          manifestSha256: s.manifestSha256,
          runId: s.runId,
          collectedAt: s.collectedAt,
          signature: s.signature,
        })),
      },
    },
  });
}
