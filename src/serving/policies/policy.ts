/**
 * A batching policy chooses the next step's batch from the running and waiting sequences. It
 * does so through a StepBuilder, which enforces the step's token budget and sequence cap and
 * the KV limits (admission needs free blocks; decode growth may preempt), so a policy only
 * decides the order in which work is offered to the step.
 */
export interface StepBuilder {
  /** Whether the step still has token budget and a free sequence slot. */
  hasRoom(): boolean;
  /** Offer every running sequence that is decoding (one token each, in admission order). */
  addDecodes(now: number): void;
  /** Offer the next prefill chunk of every running sequence of `priority` whose prompt is not yet in KV. */
  continuePrefills(now: number, priority: Priority): void;
  /** Admit waiting sequences of `priority` while blocks allow, each into this step. */
  admitWaiting(now: number, priority: Priority): void;
}

/** Request classes in the order the engine serves them: 0 interactive, then 1 background. */
export const PRIORITIES = [0, 1] as const;
export type Priority = (typeof PRIORITIES)[number];

/**
 * Prompts by class: an interactive request's prefill (running or newly admitted) comes before any
 * background one's, so a developer's first token never waits behind an agent's 100,000-token
 * prompt being chunked through the step budget (head-of-line blocking; vLLM's priority scheduling).
 */
export function addPrompts(step: StepBuilder, now: number): void {
  for (const p of PRIORITIES) {
    step.continuePrefills(now, p);
    step.admitWaiting(now, p);
  }
}

export interface BatchPolicy {
  /** One line for `explain` and the docs. */
  readonly description: string;
  fill(step: StepBuilder, now: number): void;
}
