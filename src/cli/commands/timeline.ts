import { forTerminal } from '../../text/safe-text.ts';
import { buildTimeline, formatDuration, parseDuration } from '../../timeline/build-timeline.ts';
import { loadSeries } from '../../timeline/load-series.ts';
import { writeTimelinePack } from '../../timeline/write-timeline-pack.ts';
import { CliError, EXIT, usageError } from '../errors.ts';

/** Options of `evidence-pack timeline`. */
export interface TimelineCommandOptions {
  out: string;
  schedule?: string;
  json?: boolean;
}

/**
 * `evidence-pack timeline <pack.zip>... | <folder>`: verify every pack, order them by collection
 * time and write the period report as a pack of its own. A pack that does not verify refuses the
 * series (exit 1, nothing written); a missing file, a non-pack or a bad flag is a usage error (2).
 */
export async function timelineCommand(inputs: string[], opts: TimelineCommandOptions): Promise<number> {
  let scheduleMs: number | undefined;
  if (opts.schedule !== undefined) {
    const ms = parseDuration(opts.schedule);
    if (ms === null) throw usageError(`--schedule ${opts.schedule}: expected a duration such as 7d, 12h, 1w`);
    scheduleMs = ms;
  }
  const series = await loadSeries(inputs);
  if (!series.ok) {
    const { kind, message, details } = series.problem;
    throw kind === 'verify' ? new CliError(message, EXIT.findings, details) : usageError(message, details);
  }
  const timeline = buildTimeline(series.sources, { scheduleMs });
  const written = await writeTimelinePack({ timeline, outDir: opts.out });
  const open = timeline.deviations.filter((d) => d.closedAt === null).length;
  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify(
        {
          pack: written.zipPath,
          sidecar: written.sidecarPath,
          sha256: written.sha256,
          snapshots: timeline.snapshots.length,
          schedule: timeline.schedule,
          gaps: timeline.gaps.length,
          deviations: timeline.deviations.length,
          openDeviations: open,
          changes: timeline.changes.length,
        },
        null,
        2,
      )}\n`,
    );
  } else {
    const sched =
      timeline.schedule.source === 'none'
        ? 'none'
        : `${formatDuration(timeline.schedule.ms)} (${timeline.schedule.source})`;
    process.stdout.write(
      forTerminal(
        [
          `Timeline of ${timeline.snapshots.length} verified packs, ${timeline.snapshots[0]?.collectedAt} to ${timeline.snapshots.at(-1)?.collectedAt}`,
          `  schedule ${sched}; ${timeline.gaps.length} gap(s) longer than it`,
          `  ${timeline.deviations.length} deviation(s), ${open} open at the last snapshot; ${timeline.changes.length} status change(s)`,
          `Wrote ${written.zipPath}`,
          `  sha256 ${written.sha256}`,
          '',
        ].join('\n'),
      ),
    );
  }
  return EXIT.ok;
}
