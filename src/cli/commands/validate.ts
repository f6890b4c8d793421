import type { CommandModule } from 'yargs';
import { loadValidationCases } from '../../io/validation.js';
import { textTable, sig } from '../../report/format.js';
import { evaluate } from '../../study/validation.js';
import { CommandExit, EXIT_INTERNAL } from '../exit.js';

interface Args {
  json: boolean;
  strict: boolean;
}

export const validateCommand: CommandModule<object, Args> = {
  builder: (y) =>
    y
      .option('json', { type: 'boolean', default: false, describe: 'print the results as JSON' })
      .option('strict', { type: 'boolean', default: false, describe: 'exit 1 when any result is outside its tolerance' })
      .example('wafersim validate', 'the table of simulated vs published figures')
      .example('wafersim validate --strict --json', ''),
  handler: (args) => {
    const results = loadValidationCases().map(evaluate);
    if (args.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    else {
      const unit = { tokensPerSecondPerUser: 'tok/s per user', itlMs: 'ms per token', offlineTokensPerSecond: 'tok/s total' } as const;
      process.stdout.write(`${textTable(['result', 'metric', 'published', 'simulated', 'error', 'tolerance', ''], results.map((r) => [
        r.id, unit[r.metric], sig(r.published, 4), sig(r.simulated, 4), `${r.error >= 0 ? '+' : ''}${(100 * r.error).toFixed(1)}%`, `±${(100 * r.tolerance).toFixed(0)}%`, r.pass ? 'ok' : 'OUTSIDE',
      ]))}\n\n${results.filter((r) => r.pass).length} of ${results.length} within tolerance. Sources and assumptions: models/validation.yaml.\n`);
    }
    if (args.strict && results.some((r) => !r.pass)) throw new CommandExit(EXIT_INTERNAL);
  },
};
