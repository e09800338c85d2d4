/**
 * What the views need from either side of the lab. OT and CRDT each implement
 * it on their own Simulator, built from the same scenario, so the two runs
 * share delays, clock and script and differ only in the algorithm.
 */
import type { Simulator } from './sim/simulator';
import type { NodeId, VectorClock } from './sim/types';
import type { UserAction, UserId } from './scenarios/types';

export type SideName = 'ot' | 'crdt';

/** One line of the narrated trace under a side's diagram. */
export interface TraceEntry {
  at: number;
  node: NodeId;
  kind: 'created' | 'sent' | 'transformed' | 'applied' | 'integrated' | 'acked' | 'joined' | 'network'
    /** Strategy scenarios (issue 6): a conflict detected, a write dropped. */
    | 'conflict'
    | 'lost';
  text: string;
}

/** A user's edit, kept for the diagram (dot + label) and for finding concurrent ones. */
export interface EditRecord {
  at: number;
  user: UserId;
  label: string;
  vc: VectorClock;
}

export interface Costs {
  messages: number;
  bytes: number;
  /** OT only: calls to transform, on the server and in the clients. */
  transforms?: number;
  /** What the side keeps besides the text, in one phrase. */
  metadata: string;
  /** OT: server log length. CRDT: Yjs items in the relay's document. */
  metadataCount: number;
  /** CRDT only: deleted characters kept as tombstones. */
  tombstones?: number;
}

export interface LabSide {
  readonly name: SideName;
  readonly sim: Simulator<unknown, UserAction>;
  readonly trace: TraceEntry[];
  readonly edits: EditRecord[];
  /** Current text of every participant that has the document (late joiners once joined). */
  texts(): Map<UserId, string>;
  serverText(): string;
  costs(): Costs;
}

export const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;
