import type { Progress, ProgressEvent } from '../progress/progress.ts';
import { forTerminal } from '../text/safe-text.ts';

/**
 * Create the progress display. On an interactive terminal (and not in CI) one status line is
 * redrawn in place at most every 100 ms; otherwise a plain line is printed per stage and at each
 * 10% step, so CI logs stay short and readable.
 */
export function createProgress(
  stream: NodeJS.WriteStream = process.stderr,
  env: NodeJS.ProcessEnv = process.env,
): Progress {
  const interactive = Boolean(stream.isTTY) && !env.CI;
  let lastDraw = 0;
  let lastStage = '';
  let lastDecile = -1;
  let drawn = false;
  const clear = () => {
    if (interactive && drawn) {
      stream.write('\r\x1b[2K');
      drawn = false;
    }
  };
  const text = (e: ProgressEvent) => {
    const count = e.total ? ` ${e.done ?? 0}/${e.total}` : '';
    return forTerminal(`${e.stage}${count}${e.message ? ` ${e.message}` : ''}`, { singleLine: true });
  };
  return {
    update(e) {
      if (interactive) {
        const now = Date.now();
        if (now - lastDraw < 100 && e.done !== e.total) return;
        lastDraw = now;
        stream.write(`\r\x1b[2K${text(e).slice(0, (stream.columns ?? 100) - 1)}`);
        drawn = true;
        return;
      }
      // Plain mode: a line when a stage starts or finishes, and at each 10% of a long stage.
      const key = `${e.stage}${e.message ?? ''}`;
      const decile = e.total ? Math.floor(((e.done ?? 0) / e.total) * 10) : -1;
      const finished = e.total !== undefined && e.done === e.total;
      const started = key !== lastStage && !e.done;
      const step = e.total !== undefined && e.total >= 100 && decile !== lastDecile;
      if (finished || started || step || e.total === undefined) {
        if (key !== lastStage || decile !== lastDecile || e.total === undefined) stream.write(`${text(e)}\n`);
      }
      lastStage = key;
      lastDecile = decile;
    },
    log(line) {
      clear();
      stream.write(`${forTerminal(line)}\n`);
    },
    done() {
      clear();
    },
  };
}
