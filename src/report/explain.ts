/** `explain` as a short lesson in plain text. */
import type { Explanation } from '../domain/explanation.js';
import { gb, int, ms, pct, sig, textTable, uncalibratedNote } from './format.js';

const WHY: Record<string, Record<string, string>> = {
  wafer: {
    communication:
      'Decode on the wafer is latency-bound: one token walks through every layer in turn, and each layer ends in mesh traversals across its region of cores (hops, and activation bytes over the region\'s links), plus a hop over the system I/O at each wafer boundary. The weights never move; the wafer uses well under 1% of its SRAM bandwidth per token. With many tokens in a pass (prefill, large batches) the bytes crossing the mesh grow with the tokens and bind.',
    overhead: 'Decode on the wafer is latency-bound: the per-layer synchronisation and the host step cost bind, because one token walks through every layer in turn and each layer\'s fabric work is short.',
    compute: 'Compute binds: the batch (or the prefill chunk) puts many tokens through each layer region at once, so each region works at its share of the wafer\'s peak.',
    memory:
      'Decode on the wafer is latency-bound: one token walks through every layer in turn, and in each layer every core streams its slice of the weights from its own SRAM (a matrix–vector product), so the token waits on per-core work times the layers — the wafer as a whole uses well under 1% of its SRAM bandwidth. Long contexts add KV reads on the cores that hold each layer\'s KV.',
  },
  gpu: {
    memory:
      'Decode on a GPU is bandwidth-bound: every step streams all the weights, and every sequence\'s KV cache, from HBM. Batching shares the weight stream among users, so total throughput grows with the batch while per-user speed falls slowly, until compute or KV capacity stops it.',
    compute: 'Compute binds: enough tokens share each weight read that the tensor cores, not HBM, set the pace (prefill, or large batches).',
    communication: 'Tensor-parallel all-reduces bind: two per layer per step, each with a fixed latency that small batches cannot hide.',
    overhead: 'Per-step and per-layer host overheads (scheduling, launches) bind: the GPUs finish their share of the step sooner than the host can feed them.',
  },
};

export function explainText(e: Explanation): string {
  const out: string[] = [];
  const unit = e.hardware.kind === 'wafer' ? 'wafer' : 'GPU';
  const plural = (n: number) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  out.push(`${e.model.name} on ${e.count} × ${e.hardware.name}`);
  if (!e.hardware.validated) out.push(`  (${uncalibratedNote(e.hardware.id)})`);
  out.push('');
  out.push('What fits where');
  out.push(`  Weights: ${gb(e.weightsBytes)}. KV cache: ${int(e.kvBytesPerToken)} bytes per token of context${e.kvBytesPerSequence > 0 ? ` in the layers that attend to the whole context, plus ${(e.kvBytesPerSequence / 1e6).toFixed(1)} MB per sequence in the windowed or chunked layers (they keep only their last window or chunk; counted as ${int(e.kvReserveTokensPerSequence)} tokens per sequence)` : ''}.`);
  if (e.hardware.kind === 'wafer') {
    out.push(`  Weights stay in on-wafer SRAM; a model larger than one wafer is split layer-wise, and each layer's KV cache lives on its wafer, in the SRAM the weights leave free.`);
    const first = e.placement[0];
    if (first) {
      const usable = first.weightsBytes + first.freeBytes;
      const forWeights = Math.ceil(e.weightsBytes / usable);
      out.push(`  ${gb(e.weightsBytes)} of weights ÷ ${gb(usable)} usable SRAM per wafer (of ${gb(first.capacityBytes)}) → at least ${plural(forWeights)} for the weights alone; with KV for one ${int(e.context)}-token context: ${plural(e.minCount)}.`);
    }
  } else {
    out.push(`  Weights are split over ${e.deployment.tp}-way tensor parallelism${e.deployment.pp > 1 ? ` and ${e.deployment.pp} pipeline stages` : ''}; the KV cache takes the HBM left after weights and reserves.`);
    out.push(`  The fewest GPUs that hold the weights plus KV for one ${int(e.context)}-token context: ${e.minCount}.`);
  }
  out.push(textTable(['devices', 'layers', 'weights', 'free for KV', 'capacity'], e.placement.map((p) => [p.devices, p.layers, gb(p.weightsBytes), gb(p.freeBytes), gb(p.capacityBytes)])).replace(/^/gm, '  '));
  if (!e.fits) {
    out.push('');
    out.push(`Does not fit: ${e.reason}.`);
    out.push(`It would take ${e.minCount > 0 ? plural(e.minCount) : `more ${unit}s than the search tried`}.`);
    return out.join('\n');
  }
  out.push(`  The KV cache holds ${int(e.kvCapacityTokens)} tokens: ${int(e.usersAtContext)} users at ${int(e.context)} tokens of context.`);
  const lc = e.longContext;
  out.push(`  At the model's full ${int(lc.tokens)}-token context it holds ${int(lc.users)} user${lc.users === 1 ? '' : 's'}${lc.users === 0 ? ` — one such context needs ${lc.minCount > 0 ? plural(lc.minCount) : `more ${unit}s`}` : ''}.`);
  const d = e.decode!;
  const total = d.breakdown.compute + d.breakdown.memory + d.breakdown.communication + d.breakdown.overhead;
  out.push('');
  out.push(`Per-token latency (batch ${e.decode!.batch}, context ${int(e.context)}): ${ms(d.stepSeconds)} per step → ${sig(d.tokensPerSecondPerUser, 4)} tokens/s per user`);
  if (e.speculative) {
    const s = e.speculative;
    out.push(`  Speculative decoding: ${s.draft} (on ${s.placement}) drafts k = ${s.k} tokens (${ms(s.draftSeconds)}), the target verifies them in one step (${ms(s.verifySeconds)}); at acceptance ${s.acceptance} a step yields ${sig(s.tokensPerStep)} tokens.`);
    out.push(textTable(['part', 'draft (k steps)', 'verify'], (['communication', 'memory', 'compute', 'overhead'] as const).map((part) => [part, ms(s.draftBreakdown[part]), ms(s.verifyBreakdown[part])])).replace(/^/gm, '    '));
  }
  for (const part of ['communication', 'memory', 'compute', 'overhead'] as const) {
    out.push(`  ${part.padEnd(14)} ${ms(d.breakdown[part]).padStart(10)}  ${pct(total > 0 ? d.breakdown[part] / total : 0).padStart(4)}`);
  }
  out.push(`  Bound: ${d.bound}. ${WHY[e.hardware.kind][d.bound]}`);
  const p = e.prefill!;
  out.push('');
  out.push(`Prefill of ${int(p.tokens)} tokens: ${ms(p.seconds)} (${int(p.tokensPerSecond)} tokens/s).`);
  out.push('');
  out.push(`Per-user versus total throughput (context ${int(e.context)})`);
  out.push(textTable(['batch', 'per user tok/s', 'total tok/s', 'step', 'bound'], e.curve.map((c) => [
    c.batch === e.maxThroughput!.batch ? `${int(c.batch)} (max)` : int(c.batch), sig(c.tokensPerSecondPerUser, 4), int(c.tokensPerSecondTotal), ms(c.stepSeconds), c.bound,
  ])).replace(/^/gm, '  '));
  out.push(`  The largest batch that fits at this context is ${int(e.maxThroughput!.batch)}: ${int(e.maxThroughput!.tokensPerSecondTotal)} tokens/s in total, ${sig(e.maxThroughput!.tokensPerSecondPerUser, 4)} per user.`);
  return out.join('\n');
}
