/**
 * Progress reporting, as a neutral interface: the pipeline and the bench report through it, and only
 * the CLI decides how it is shown. This folder owns the interface and imports nothing from the product.
 */

/** A progress event from any stage of the pipeline. */
export interface ProgressEvent {
  stage: string;
  message?: string;
  done?: number;
  total?: number;
}

/** Where progress goes: an updating line on a terminal, plain lines in CI or when piped. */
export interface Progress {
  update(event: ProgressEvent): void;
  /** A line that stays (stage finished, warning). */
  log(line: string): void;
  done(): void;
}

/** Progress that prints nothing (for `--json` and tests). */
export const silentProgress: Progress = { update() {}, log() {}, done() {} };
