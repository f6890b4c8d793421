import type { CommandModule } from 'yargs';
import { examplesText } from '../examples.js';
import { LARGEST } from '../../scenario/schema.js';
import { inputError } from '../../domain/errors.js';
import type { LlmSpec, Precision, PrecisionGroups } from '../../domain/specs.js';
import { sig, textTable } from '../../report/format.js';
import { hardwareIds, llmIds, loadHardware, loadLlm } from '../../io/models.js';
import { explainText } from '../../report/explain.js';
import { hardwareWords } from '../../perf/index.js';
import type { ExplainOptions } from '../../study/explain.js';
import { explainModel } from '../../api/index.js';

interface Args {
  model?: string;
  hardware?: string;
  list: boolean;
  count?: number;
  tp?: number;
  pp?: number;
  cores?: number;
  precision?: string;
  'kv-precision'?: string;
  batch: number;
  context: number;
  input: number;
  speculative?: string;
  json: boolean;
}

const PRECISIONS = ['bf16', 'fp16', 'fp8', 'mxfp4'];

export const explainCommand: CommandModule<object, Args> = {
  builder: (y) =>
    y
      .option('model', { type: 'string', describe: `model id or file (${llmIds().join(', ')})` })
      .option('hardware', { type: 'string', describe: `hardware id or file (${hardwareIds().join(', ')})` })
      .option('list', { type: 'boolean', default: false, describe: 'list the models and hardware (yours from --models too), with their sizes and sources' })
      .option('count', { type: 'number', describe: 'GPUs or wafers (default: the fewest that fit)' })
      .option('tp', { type: 'number', describe: 'tensor parallelism (GPUs)' })
      .option('pp', { type: 'number', describe: 'pipeline parallelism (GPUs)' })
      .option('cores', { type: 'number', describe: 'wafer: a region of this many cores, layers run one after another on it' })
      .option('precision', { type: 'string', choices: PRECISIONS, describe: 'weight precision (attention, MLP, experts)' })
      .option('kv-precision', { type: 'string', choices: PRECISIONS, describe: 'KV cache precision' })
      .option('batch', { type: 'number', default: 1, describe: 'sequences decoding together' })
      .option('context', { type: 'number', default: 4096, describe: 'tokens of context per sequence' })
      .option('input', { type: 'number', default: 2048, describe: 'prompt tokens to prefill' })
      .option('speculative', { type: 'string', describe: 'draft=<id>,k=<n>,accept=<a>' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' })
      .epilogue(examplesText([['every model and kind of hardware wafersim knows', 'wafersim explain --list'], ['why 70B needs four CS-3', 'wafersim explain --model llama-3.1-70b --hardware cs-3'], ['', 'wafersim explain --model llama-3.1-8b --hardware h100-sxm --batch 64 --json'], ['with speculative decoding', 'wafersim explain --model llama-3.3-70b --hardware cs-3', '--speculative draft=llama-3.2-1b,k=8,accept=0.9']])),
  handler: (args) => {
    if (args.list) {
      process.stdout.write(catalogue());
      return;
    }
    if (args.model === undefined) throw inputError('--model', 'a model id or file (or --list)', undefined);
    if (args.hardware === undefined) throw inputError('--hardware', 'a hardware id or file (or --list)', undefined);
    const llm = loadLlm(args.model, '--model');
    const hardware = loadHardware(args.hardware, '--hardware');
    for (const [flag, value] of [['--count', args.count], ['--tp', args.tp], ['--pp', args.pp], ['--cores', args.cores], ['--batch', args.batch], ['--context', args.context], ['--input', args.input]] as const) {
      const min = flag === '--context' ? 0 : 1;
      if (value !== undefined && !(Number.isInteger(value) && value >= min && value <= LARGEST)) throw inputError(flag, `a whole number from ${min} to ${LARGEST}`, value);
    }
    const precision: Partial<PrecisionGroups> = {};
    if (args.precision) {
      const p = args.precision as Precision;
      Object.assign(precision, { attention: p, mlp: p, experts: p });
    }
    if (args['kv-precision']) precision.kvCache = args['kv-precision'] as Precision;
    const options: ExplainOptions = {
      count: args.count,
      tp: args.tp,
      pp: args.pp,
      cores: args.cores,
      precision: Object.keys(precision).length > 0 ? precision : undefined,
      batch: args.batch,
      context: args.context,
      input: args.input,
      speculative: args.speculative ? parseSpeculative(args.speculative) : undefined,
    };
    const e = explainModel({ model: llm, hardware, ...options });
    process.stdout.write(args.json ? `${JSON.stringify(e, null, 2)}\n` : `${explainText(e, hardwareWords(e.hardware.kind))}\n`);
  },
};

/** Every model and kind of hardware, one line each. */
function catalogue(): string {
  const kinds = (llm: LlmSpec) => [...new Set(llm.attention.map((a) => a.kind))].join('+');
  const models = textTable(['model', 'name', 'params B', 'active B', 'attention', 'source'], llmIds().map((id) => {
    const m = loadLlm(id);
    return [id, m.name, sig(m.publishedParams / 1e9, 3), sig(m.publishedActiveParams / 1e9, 3), kinds(m), m.source.split(/[\s,;]/)[0]];
  }));
  const hardware = textTable(['hardware', 'name', 'kind', 'calibration', ''], hardwareIds().map((id) => {
    const h = loadHardware(id);
    return [id, h.name, h.kind, h.calibration.source, h.validated ? '' : 'uncalibrated'];
  }));
  return `${llmIds().length} models\n${models}\n\n${hardwareIds().length} kinds of hardware\n${hardware}\n`;
}

function parseSpeculative(text: string): NonNullable<ExplainOptions['speculative']> {
  const fields = Object.fromEntries(text.split(',').map((kv) => kv.split('=').map((s) => s.trim())));
  const known = new Set(['draft', 'k', 'accept']);
  const unknown = Object.keys(fields).filter((k) => !known.has(k));
  if (unknown.length > 0 || !fields.draft) throw inputError('--speculative', 'draft=<id>,k=<n>,accept=<a>', text);
  const k = Number(fields.k ?? 4);
  const acceptance = Number(fields.accept ?? 0.8);
  if (!Number.isInteger(k) || k < 1) throw inputError('--speculative k', 'a whole number >= 1', fields.k);
  if (!(acceptance >= 0 && acceptance <= 1)) throw inputError('--speculative accept', 'a number from 0 to 1', fields.accept);
  return { draft: loadLlm(fields.draft, '--speculative draft'), draftId: fields.draft, k, acceptance };
}
