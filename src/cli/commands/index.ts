import type { CommandModule } from 'yargs';
import { explainCommand } from './explain.js';
import { runCommand } from './run.js';
import { schemaCommand } from './schema.js';
import { mergeCommand, sweepCommand } from './sweep.js';
import { validateCommand } from './validate.js';
import { planCommand } from './plan.js';

/** Every sub-command, in the order `--help` lists them. */
export const commands: CommandModule<any, any>[] = [
  runCommand,
  sweepCommand,
  mergeCommand,
  planCommand,
  explainCommand,
  validateCommand,
  schemaCommand,
];
