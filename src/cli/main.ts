#!/usr/bin/env node
/**
 * The command line. Exit codes: 0 ok, 2 bad input (files, flags), 1 internal error.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { InputError } from '../domain/errors.js';
import { commands } from './commands/index.js';
import { packageVersion } from '../io/package.js';
import { MODELS_ENV, useModelFolders } from '../io/model-folders.js';
import { CommandExit, EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK } from './exit.js';
import { installSignalHandlers } from './interrupt.js';
import { internalErrorMessage, unknownCommand, usageProblem } from './usage.js';
import { HELP_COLUMNS } from './examples.js';

export async function main(argv: string[]): Promise<number> {
  let exitCode = EXIT_OK;
  const parser = yargs(argv)
    .scriptName('wafersim')
    .usage('$0 <command> [options]\n\nSimulate LLM inference serving on wafer-scale systems (Cerebras CS-3) and GPU clusters.')
    .version(packageVersion())
    .strict()
    .option('models', { type: 'string', array: true, global: true, describe: `a folder of your own model files (llm/, hardware/, calibration/), searched before the built-in ones; also $${MODELS_ENV}` })
    .middleware((args) => {
      if (args.models) useModelFolders(args.models as string[]);
    })
    .wrap(Math.min(HELP_COLUMNS, process.stdout.columns ?? HELP_COLUMNS))
    .fail((message, error) => {
      // yargs' own validation (unknown command or flag, missing argument or value, bad choice) is
      // bad input; any other error thrown by a command goes on to the handlers below.
      if (error && error.name !== 'YError') throw error;
      // The flags the command knows (for "did you mean"), long names only.
      const known = Object.keys((parser as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions().key).filter((k) => k.length > 1 && !/[A-Z]/.test(k));
      process.stderr.write(`wafersim: bad command line\n${usageProblem(message ?? error?.message ?? '', known)}\nRun 'wafersim --help' for usage.\n`);
      exitCode = EXIT_BAD_INPUT;
      throw new ExitSignal();
    })
    .option('debug', { type: 'boolean', default: false, global: true, describe: 'on an internal error, print its stack trace' })
    .epilogue('Exit codes: 0 ok, 2 bad input, 1 internal error, 130/143 stopped by Ctrl-C/SIGTERM.');
  // Import only the command that runs; list the others by name and description.
  const names = new Set(commands.map((c) => c.name));
  const invoked = argv.find((a) => names.has(a));
  const first = argv.find((a) => !a.startsWith('-'));
  // A mistyped command: name the nearest one (yargs would only say the argument is unknown).
  if (first !== undefined && !invoked) {
    process.stderr.write(`wafersim: bad command line\n${unknownCommand(first, [...names])}\nRun 'wafersim --help' for the list.\n`);
    return EXIT_BAD_INPUT;
  }
  for (const c of commands) {
    const loaded = c.name === invoked ? await c.load() : { builder: (y: any) => y, handler: () => {} };
    parser.command({ command: c.usage, describe: c.describe, ...loaded } as never);
  }
  // A bare `wafersim`: what it can do.
  if (argv.length === 0) {
    process.stdout.write(`${await parser.getHelp()}\n`);
    return EXIT_OK;
  }
  try {
    await parser.parseAsync();
    return exitCode;
  } catch (error) {
    if (error instanceof ExitSignal) return exitCode;
    if (error instanceof InputError) {
      process.stderr.write(`wafersim: bad input\n${error.message}\n`);
      return EXIT_BAD_INPUT;
    }
    if (error instanceof CommandExit) return error.code;
    process.stderr.write(internalErrorMessage(error, argv.includes('--debug')));
    return EXIT_INTERNAL;
  }
}

class ExitSignal extends Error {}

installSignalHandlers();
main(hideBin(process.argv)).then((code) => {
  process.exitCode = code;
});
