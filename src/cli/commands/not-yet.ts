import type { CommandModule } from 'yargs';
import { CommandExit, EXIT_INTERNAL } from '../exit.js';

/** A command a later piece of work builds: listed in --help, exits 1 saying so. */
export function notYet(command: string, describe: string, example: string): CommandModule {
  return {
    command,
    describe: `${describe} (not yet available)`,
    builder: (y) => y.example(example, ''),
    handler: () => {
      process.stderr.write(`wafersim ${command.split(' ')[0]}: not yet available in this version\n`);
      throw new CommandExit(EXIT_INTERNAL);
    },
  };
}
