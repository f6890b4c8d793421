import type { CommandModule } from 'yargs';
import { explainCommand } from './explain.js';
import { runCommand } from './run.js';
import { notYet } from './not-yet.js';

/** Every sub-command, in the order `--help` lists them. */
export const commands: CommandModule<any, any>[] = [
  runCommand,
  notYet('sweep <scenario>', 'Run every point of a scenario\'s sweep', 'wafersim sweep scenarios/long-context-cliff.yaml'),
  notYet('merge <dirs..>', 'Combine the shards of a sweep', 'wafersim merge output/a output/b'),
  notYet('plan <scenario>', 'Find the smallest fleet of each hardware option that meets the SLOs', 'wafersim plan scenarios/capacity-2000-developers.yaml'),
  explainCommand,
  notYet('validate', 'Compare the simulator with published measurements', 'wafersim validate'),
  notYet('schema', 'Print the JSON Schema of scenario files', 'wafersim schema > scenario.schema.json'),
];
