/**
 * Ctrl-C (SIGINT) and SIGTERM stop a command cleanly: registered clean-ups run (sweep workers are
 * killed), unfinished temporary output folders are removed, completed sweep points stay, the user
 * is told how to resume, and the process exits 130 or 143 at once (so a second Ctrl-C is never
 * needed, and no stream can write into a folder already removed).
 */
import { discardUnfinished } from '../io/output.js';

const cleanups = new Set<() => void>();
let resumeHint = 'Nothing was written; run the same command again to start over.';

/** Run `fn` if the command is interrupted; returns a function that unregisters it. */
export function onInterrupt(fn: () => void): () => void {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** What to tell the user about resuming, for the command now running. */
export function setResumeHint(text: string): void {
  resumeHint = text;
}

export const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

export function installSignalHandlers(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      for (const fn of cleanups) {
        try {
          fn();
        } catch {
          // Best effort: the exit below matters more.
        }
      }
      discardUnfinished();
      process.stderr.write(`\nwafersim: stopped by ${signal}. ${resumeHint}\n`);
      process.exit(SIGNAL_EXIT[signal]);
    });
  }
}
