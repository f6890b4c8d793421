import type { CommandModule } from 'yargs';
import { notYet } from './not-yet.js';

/** Every sub-command, in the order `--help` lists them. */
export const commands: CommandModule<any, any>[] = [
  notYet('run <scenario>', 'Run a scenario against every system it names', 'wafersim run scenarios/codex-spark.yaml'),
  notYet('sweep <scenario>', 'Run every point of a scenario\'s sweep', 'wafersim sweep scenarios/long-context-cliff.yaml'),
  notYet('merge <dirs..>', 'Combine the shards of a sweep', 'wafersim merge output/a output/b'),
  notYet('plan <scenario>', 'Find the smallest fleet of each hardware option that meets the SLOs', 'wafersim plan scenarios/capacity-2000-developers.yaml'),
  notYet('explain', 'Explain one model on one kind of hardware: fit, latency, regime, throughput', 'wafersim explain --model llama-3.1-70b --hardware cs-3'),
  notYet('validate', 'Compare the simulator with published measurements', 'wafersim validate'),
  notYet('schema', 'Print the JSON Schema of scenario files', 'wafersim schema > scenario.schema.json'),
];
