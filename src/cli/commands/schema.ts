import type { CommandModule } from 'yargs';
import { examplesText } from '../examples.js';
import { scenarioJsonSchema } from '../../scenario/json-schema.js';

export const schemaCommand: CommandModule = {
  builder: (y) => y.option('json', { type: 'boolean', default: true, describe: 'print as JSON (the only format; accepted for symmetry with the other commands)' }).epilogue(examplesText([['write it; then in a scenario: $schema: scenario.schema.json', 'wafersim schema > scenario.schema.json']])),
  handler: () => {
    process.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
  },
};
