/** `explain` as a short lesson in plain text; `words` describe the hardware's kind (perf/ hardwareWords). */
import type { Explanation, HardwareWords } from '../domain/explanation.js';
import { gb, int, ms, pct, sig, textTable, uncalibratedNote } from './format.js';

export function explainText(e: Explanation, words: HardwareWords): string {
  const out: string[] = [];
  const unit = words.device;
  const plural = (n: number) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  out.push(`${e.model.name} on ${e.count} × ${e.hardware.name}`);
  if (!e.hardware.validated) out.push(`  (${uncalibratedNote(e.hardware.id)})`);
  out.push('');
  out.push('What fits where');
  out.push(`  Weights: ${gb(e.weightsBytes)}. KV cache: ${int(e.kvBytesPerToken)} bytes per token of context${e.kvBytesPerSequence > 0 ? ` in the layers that attend to the whole context, plus ${(e.kvBytesPerSequence / 1e6).toFixed(1)} MB per sequence in the windowed or chunked layers (they keep only their last window or chunk; counted as ${int(e.kvReserveTokensPerSequence)} tokens per sequence)` : ''}.`);
  out.push(...words.fitLines(e, { int, gb, devices: plural }));
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
  out.push(`  Bound: ${d.bound}. ${words.whyBound[d.bound]}`);
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
