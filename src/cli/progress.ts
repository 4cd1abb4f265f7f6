// A progress bar on stderr, shown only when stderr is a terminal.
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

export function makeProgress(enabled: boolean): Progress {
  if (!enabled || !process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: 'analysing [{bar}] {percentage}% | {doneMiB}/{totalMiB} MiB | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      const payload = { doneMiB: (done / 1048576).toFixed(1), totalMiB: (total / 1048576).toFixed(1) };
      if (!started) {
        bar.start(Math.max(total, 1), done, payload);
        started = true;
      } else bar.update(done, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
