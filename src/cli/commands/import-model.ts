import type { CommandModule } from 'yargs';
import { inputError } from '../../domain/errors.js';
import { importModel } from '../../api/index.js';
import { examplesText } from '../examples.js';

interface Args {
  config: string;
  out?: string;
  id?: string;
  name?: string;
  'params-b'?: number;
  'active-params-b'?: number;
}

export const importModelCommand: CommandModule<object, Args> = {
  builder: (y) =>
    y
      .positional('config', { type: 'string', demandOption: true, describe: "a Hugging Face style config.json (Llama, Qwen, Mistral/Mixtral, DeepSeek-V3/Kimi-K2, gpt-oss, Gemma, GLM families)" })
      .option('out', { type: 'string', describe: 'write the model file here (a new file; default: print it)' })
      .option('id', { type: 'string', describe: "the model's id (default: from _name_or_path or the config's folder)" })
      .option('name', { type: 'string', describe: 'a display name (default: the id)' })
      .option('params-b', { type: 'number', describe: "the model card's total parameters, in billions (default: computed from the config, and said so)" })
      .option('active-params-b', { type: 'number', describe: "the model card's active parameters per token, in billions" })
      .epilogue(examplesText([
        ['a model file from its config, with the model card\'s parameter counts', 'wafersim import-model ~/hf/Qwen3-8B/config.json', '--out my-models/llm/qwen3-8b-mine.yaml', '--params-b 8.2 --active-params-b 8.2'],
        ['then name it by id in a pool', 'wafersim run my-study.yaml --models my-models'],
      ])),
  handler: (args) => {
    for (const flag of ['params-b', 'active-params-b'] as const) {
      const v = args[flag];
      if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw inputError(`--${flag}`, 'a number > 0 (billions of parameters)', v);
    }
    const r = importModel(args.config, { out: args.out, id: args.id, name: args.name, publishedParamsB: args['params-b'], publishedActiveParamsB: args['active-params-b'] });
    if (r.out) process.stdout.write(`Wrote ${r.out} (model id ${r.id}); check its values against the model card.\n`);
    else process.stdout.write(r.text);
  },
};
