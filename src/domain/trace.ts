/** Rows of the traces a scenario replays, as the io layer reads them and workload/replay.ts consumes them. */

/** One request of an arrival trace (Azure, Mooncake). */
export interface ArrivalRow {
  /** Seconds from the trace's first request. */
  time: number;
  input: number;
  output: number;
  /** Mooncake: prefix blocks of `blockTokens`; equal ids in the same place mean the same prefix. */
  hashIds?: readonly number[];
}

/** One request of an agentic session trace (kv-cache-tester). */
export interface AgenticRow {
  session: string;
  agent: string;
  /** The request's index within its agent. */
  reqIdx: number;
  /** Sub-agent spawn time in the session, seconds. */
  parentOffset: number;
  input: number;
  output: number;
  /** Client-side gap before the request (tool execution or a person thinking), seconds. */
  think: number;
  /** Leading 64-token blocks shared with this agent's previous request. */
  lcpBlocks: number;
}

/** A session of an agentic trace: its agents' requests in order. */
export interface AgenticSession {
  name: string;
  agents: Map<string, AgenticRow[]>;
}
