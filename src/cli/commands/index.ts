import type { CommandModule } from 'yargs';

/**
 * Every sub-command, in the order `--help` lists them. Only the command being run is imported
 * (its builder and handler pull in the simulator); the others are listed by name, which keeps
 * `wafersim --help` and every command's start-up quick.
 */
export interface CommandEntry {
  name: string;
  usage: string;
  describe: string;
  // Typed loosely: each module's CommandModule has its own argument type.
  load: () => Promise<Pick<CommandModule<any, any>, 'builder'> & { handler: (args: any) => unknown }>;
}

export const commands: CommandEntry[] = [
  { name: 'run', usage: 'run <scenario>', describe: 'Run a scenario against every system it names', load: async () => (await import('./run.js')).runCommand },
  { name: 'sweep', usage: 'sweep <scenario>', describe: "Run every point of a scenario's sweep (axes × repeats) on worker threads", load: async () => (await import('./sweep.js')).sweepCommand },
  { name: 'merge', usage: 'merge <dirs..>', describe: 'Combine the shards of a sweep into one sweep folder', load: async () => (await import('./sweep.js')).mergeCommand },
  { name: 'plan', usage: 'plan <scenario>', describe: 'Find the smallest fleet of each hardware option that meets the SLOs; cost and power side by side', load: async () => (await import('./plan.js')).planCommand },
  { name: 'explain', usage: 'explain', describe: 'Explain one model on one kind of hardware: fit, latency, regime, throughput', load: async () => (await import('./explain.js')).explainCommand },
  { name: 'explore', usage: 'explore', describe: 'Build and serve the in-browser explorer (the same models, in a page): memory, step breakdowns, a small run', load: async () => (await import('./explore.js')).exploreCommand },
  { name: 'calibrate', usage: 'calibrate [measurements..]', describe: "Fit a serving stack's constants to the validation rows marked fit, or to your own measurements (--hardware, --stack); print values, in-sample and leave-one-out errors", load: async () => (await import('./calibrate.js')).calibrateCommand },
  { name: 'validate', usage: 'validate', describe: 'Compare the simulator with every published measurement it knows', load: async () => (await import('./validate.js')).validateCommand },
  { name: 'import-model', usage: 'import-model <config>', describe: "Write a model file from a Hugging Face style config.json", load: async () => (await import('./import-model.js')).importModelCommand },
  { name: 'schema', usage: 'schema', describe: 'Print the JSON Schema of scenario files (for editor completion and checking)', load: async () => (await import('./schema.js')).schemaCommand },
];
