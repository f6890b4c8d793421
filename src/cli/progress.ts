/** A progress bar on stderr, only when stderr is a terminal (cli-progress). */
import cliProgress from 'cli-progress';

export function progressBar(label: string): { update: (fraction: number) => void; stop: () => void } | undefined {
  if (!process.stderr.isTTY) return undefined;
  const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {percentage}% | ETA {eta_formatted}`, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
  bar.start(1000, 0);
  let stopped = false;
  return {
    update: (f) => bar.update(Math.round(f * 1000)),
    stop: () => {
      if (!stopped) bar.stop();
      stopped = true;
    },
  };
}
