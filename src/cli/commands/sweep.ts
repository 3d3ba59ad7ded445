// `holdfast sweep [--dry-run]`: one sweeper pass now.
import cliProgress from 'cli-progress';
import type { Holdfast } from '../../holds/holdfast.js';
import type { SweepReport } from '../../sweeper/sweep.js';

export interface SweepCommandOptions {
  dryRun?: boolean;
  concurrency?: number;
  /** Show a progress bar (the caller decides: a TTY and more than a screenful of holds). */
  progress?: { stream: NodeJS.WritableStream; minHolds: number } | null;
}

/** Runs one pass (or, dry, computes its plan) and returns the report. */
export async function sweepCommand(hf: Holdfast, options: SweepCommandOptions = {}): Promise<SweepReport> {
  let bar: cliProgress.SingleBar | null = null;
  const progress = options.progress;
  const report = await hf.sweep({
    ...(options.dryRun ? { dryRun: true } : {}),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(progress
      ? {
          onProgress: (done: number, claimed: number) => {
            if (!bar && claimed > progress.minHolds) {
              bar = new cliProgress.SingleBar({ stream: progress.stream, format: 'sweeping [{bar}] {value}/{total} holds', hideCursor: true }, cliProgress.Presets.shades_classic);
              bar.start(claimed, 0);
            }
            bar?.setTotal(claimed);
            bar?.update(done);
          },
        }
      : {}),
  });
  (bar as cliProgress.SingleBar | null)?.stop();
  return report;
}
