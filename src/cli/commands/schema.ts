import type { CommandModule } from 'yargs';
import { scenarioJsonSchema } from '../../scenario/json-schema.js';

export const schemaCommand: CommandModule = {
  builder: (y) => y.option('json', { type: 'boolean', default: true, describe: 'print as JSON (the only format; accepted for symmetry with the other commands)' }).example('wafersim schema > scenario.schema.json', '').example('# in a scenario: $schema: ../schema/scenario.schema.json', ''),
  handler: () => {
    process.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
  },
};
