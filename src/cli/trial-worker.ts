/**
 * A plan-trial worker process (like sweep workers: processes, not threads): runs each scenario it
 * is sent (the plan's option at one replica count and seed) and sends back its summary.
 */
import { readScenario, resolveScenario, type LoadedScenario } from '../io/scenario.js';
import { runScenario } from '../study/run.js';

const loaded = new Map<string, LoadedScenario>();

process.on('message', async (m: { id: number; file: string; raw: unknown }) => {
  try {
    let scenario = loaded.get(m.file);
    if (!scenario) loaded.set(m.file, (scenario = readScenario(m.file)));
    const { resolved } = resolveScenario(scenario, m.raw);
    const r = await runScenario(resolved, { records: 'none', stopWhenOverloaded: true });
    process.send!({ id: m.id, ok: true, summary: r.summaries[0] });
  } catch (error) {
    process.send!({ id: m.id, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
});
process.on('disconnect', () => process.exit(0));
