/** The plain explanations beside each view, written from the current numbers. */
import { hardwareWords } from '../perf/index.js';
import type { SystemTally } from './messages.js';
import type { SystemView } from './compute.js';
import { formatBytes, formatNumber, formatSeconds, formatTokens } from './format.js';

const name = (v: SystemView) => `${v.explanation.count} × ${v.hardware.name}`;

export function memoryText(views: SystemView[], context: number): string {
  return views.map((v) => {
    const e = v.explanation;
    const m = v.memory;
    const where = hardwareWords(v.hardware.kind).memoryWhere;
    const cliff = m.maxContext >= v.llm.contextTokens
      ? `even the model's longest context (${formatTokens(v.llm.contextTokens)}) fits, for ${e.longContext.users} user${e.longContext.users === 1 ? '' : 's'}`
      : `one sequence can grow to ${formatTokens(m.maxContext)} tokens and no further: that is the cliff; the model's ${formatTokens(v.llm.contextTokens)} would need ${e.longContext.minCount} device${e.longContext.minCount === 1 ? '' : 's'}`;
    return `<p><b>${name(v)}</b> holds ${formatBytes(m.capacityBytes)} of ${where}. The weights take ${formatBytes(e.weightsBytes)}; every token of context keeps ${formatBytes(e.kvBytesPerToken)} of KV cache, so the ${formatBytes(m.kvRoomBytes)} left holds ${e.kvCapacityTokens.toLocaleString('en-US')} tokens: ${e.usersAtContext.toLocaleString('en-US')} users at ${formatTokens(context)} tokens each. ${cliff[0].toUpperCase()}${cliff.slice(1)}.</p>`;
  }).join('');
}

export function stepText(views: SystemView[]): string {
  const parts = views.map((v) => {
    const d = v.explanation.decode!;
    const step = v.steps[0];
    const ctxShare = Object.values(step.context).reduce((a, b) => a + b, 0);
    const why = hardwareWords(v.hardware.kind).stepWhy;
    return `<p><b>${name(v)}</b>: a decode step takes ${formatSeconds(step.seconds)} (${d.bound}-bound), ${formatNumber(d.tokensPerSecondPerUser)} tokens/s per user. Here ${why}. The context adds ${formatSeconds(ctxShare)} of attention and KV reads (pink); a prefill of ${v.options.input.toLocaleString('en-US')} tokens takes ${formatSeconds(v.explanation.prefill!.seconds)}.</p>`;
  });
  if (views.length === 2) {
    const [a, b] = views.map((v) => v.explanation.decode!.tokensPerSecondPerUser);
    parts.push(`<p>Per user, ${name(views[0])} is ${formatNumber(a / b, 2)}× the speed of ${name(views[1])} at this batch and context.</p>`);
  }
  return parts.join('');
}

export function rooflineText(views: SystemView[]): string {
  return views.map((v) => {
    const e = v.explanation;
    const first = e.curve[0];
    const max = e.maxThroughput!;
    return `<p><b>${name(v)}</b>: one user alone gets ${formatNumber(first?.tokensPerSecondPerUser ?? e.decode!.tokensPerSecondPerUser)} tokens/s. Filling the batch to the ${max.batch.toLocaleString('en-US')} users that fit raises the replica's total to ${formatNumber(max.tokensPerSecondTotal)} tokens/s while each user drops to ${formatNumber(max.tokensPerSecondPerUser)}. Where the curve turns down, the step stops being ${first?.bound ?? e.decode!.bound}-bound and the batch starts to cost every user time.</p>`;
  }).join('');
}

export function runText(tallies: SystemTally[]): string {
  const done = tallies.filter((t) => t.tasks > 0);
  if (done.length < tallies.length) return `<p>Agent tasks finish after their steps and tool calls; the breakdown appears when each system has finished one.</p>`;
  const rows = done.map((t) => {
    const task = t.task;
    const model = (task.prefill + task.decode + task.queue) / t.tasks;
    return `<b>${t.system}</b>: a task takes ${formatSeconds(task.total / t.tasks)} on average, of which the model (queue, prefill, decode) is ${formatSeconds(model)} and tool calls ${formatSeconds(task.tool / t.tasks)}`;
  });
  const [a, b] = done.map((t) => t.task.total / t.tasks);
  const [da, db] = done.map((t) => (t.task.decode + t.task.prefill) / t.tasks);
  return `<p>${rows.join('; ')}.</p><p>The model's own time differs ${formatNumber(Math.max(da, db) / Math.min(da, db), 2)}× between the systems, the whole task only ${formatNumber(Math.max(a, b) / Math.min(a, b), 2)}×: tool calls, network and start-up do not speed up with a faster chip (Amdahl's law).</p>`;
}
