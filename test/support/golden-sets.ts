/** How each scenario is shrunk for its golden run (keep these small: CI runs them all). */
export const GOLDEN_SETS: Record<string, string[]> = {
  'codex-spark': ['durationMinutes=5', 'drainMinutes=2', 'workload.interactive.developers=30', 'workload.agents.concurrency=3'],
  'network-websocket': ['durationMinutes=5', 'workload.interactive.developers=20'],
  'interactive-vs-agents': ['durationMinutes=5', 'drainMinutes=5', 'workload.interactive.developers=20', 'workload.agents.concurrency=2'],
  'capacity-2000-developers': ['durationMinutes=3', 'drainMinutes=1', 'workload.interactive.developers=100', 'workload.agents.concurrency=10'],
  'hybrid-wafer-gpu': ['durationMinutes=4', 'drainMinutes=2', 'workload.interactive.developers=30', 'workload.agents.concurrency=3'],
  'long-context-cliff': ['durationMinutes=5', 'drainMinutes=3'],
  'azure-code-replay': ['durationMinutes=3', 'drainMinutes=1'],
  'agentic-trace-replay': ['durationMinutes=5', 'drainMinutes=2', 'workload.trace.concurrency=4'],
  'speculative-decoding': ['durationMinutes=5', 'workload.interactive.developers=10'],
  'fleet-day': ['durationMinutes=10', 'drainMinutes=1', 'systems[0].pools[0].replicas=20', 'workload.openLoop.ratePerSecond={kind: sinusoidal, meanPerSecond: 6, amplitude: 0.5, peakHour: 14}'],
};
