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
  /** Offer the next prefill chunk of every running sequence whose prompt is not yet in KV. */
  continuePrefills(now: number): void;
  /** Admit waiting sequences (interactive first) while blocks allow, each into this step. */
  admitWaiting(now: number): void;
}

export interface BatchPolicy {
  /** One line for `explain` and the docs. */
  readonly description: string;
  fill(step: StepBuilder, now: number): void;
}
