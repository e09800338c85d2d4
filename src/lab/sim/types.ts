/**
 * The simulator's vocabulary. Payloads are opaque: the simulator only knows a
 * message's endpoints, its size in bytes and a short label for the diagram, so
 * OT, CRDT and later strategies (issue 6) can all ride the same network.
 */
export type NodeId = string;

/** A vector clock: how many local events of each node this node has seen. */
export type VectorClock = Readonly<Record<NodeId, number>>;

export interface LinkSpec {
  a: NodeId;
  b: NodeId;
  /** One-way delay, the same in both directions. */
  delayMs: number;
}

export interface SimConfig {
  nodes: readonly NodeId[];
  links: readonly LinkSpec[];
  seed: number;
  /** Extra random delay per message, 0..jitterMs, drawn from the seeded RNG. FIFO still holds. */
  jitterMs?: number;
}

export interface Message<P> {
  id: number;
  from: NodeId;
  to: NodeId;
  payload: P;
  bytes: number;
  label: string;
  sentAt: number;
  /** When it is due; Infinity while its link is down. */
  deliverAt: number;
  deliveredAt?: number;
  /** The sender's vector clock when it sent the message. */
  vc: VectorClock;
}

/** One line of the event log; plain data, so two runs can be compared with toEqual. */
export type LogEntry =
  | { kind: 'local'; at: number; node: NodeId; seq: number; vc: VectorClock; label: string }
  | { kind: 'send'; at: number; msg: number; from: NodeId; to: NodeId; bytes: number; label: string }
  | { kind: 'deliver'; at: number; msg: number; from: NodeId; to: NodeId; vc: VectorClock }
  | { kind: 'cut' | 'heal'; at: number; a: NodeId; b: NodeId }
  | { kind: 'offline' | 'online'; at: number; node: NodeId };

/** What the simulator hands to the protocol running on top of it. */
export type SimEvent<P, A> =
  | { kind: 'local'; at: number; node: NodeId; action: A; seq: number }
  | { kind: 'deliver'; at: number; msg: Message<P> };
