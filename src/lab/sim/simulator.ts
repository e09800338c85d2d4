/**
 * A deterministic network: a logical clock in milliseconds, one FIFO queue per
 * direction of every link, links that can be cut and healed, nodes that can go
 * offline. Nothing here knows what the messages mean.
 *
 * Determinism: the next event is the earliest one; ties go to local events
 * (ordered by when they were scheduled), then to messages by id. The only
 * randomness is the optional jitter, drawn from a seeded RNG in send order.
 */
import { makeRng, type Rng } from './rng';
import type { LinkSpec, LogEntry, Message, NodeId, SimConfig, SimEvent, VectorClock } from './types';

interface Scheduled<A> {
  at: number;
  node: NodeId;
  action: A;
  seq: number;
}

const pairKey = (a: NodeId, b: NodeId) => (a < b ? `${a}|${b}` : `${b}|${a}`);
const dirKey = (from: NodeId, to: NodeId) => `${from}>${to}`;

export class Simulator<P, A> {
  now = 0;
  readonly log: LogEntry[] = [];
  /** Every message ever sent, in send order (the diagram draws them all). */
  readonly messages: Message<P>[] = [];
  readonly stats = { messages: 0, bytes: 0 };

  private readonly rng: Rng;
  private readonly delays = new Map<string, number>();
  private readonly queues = new Map<string, Message<P>[]>();
  private readonly cutPairs = new Set<string>();
  private readonly offline = new Set<NodeId>();
  private readonly vcs = new Map<NodeId, Record<NodeId, number>>();
  private agenda: Scheduled<A>[] = [];
  private seq = 0;
  private handler: (ev: SimEvent<P, A>) => void = () => {};

  constructor(readonly config: SimConfig) {
    this.rng = makeRng(config.seed);
    for (const n of config.nodes) this.vcs.set(n, {});
    for (const l of config.links) this.addLink(l);
  }

  /** The protocol that reacts to local actions and deliveries. */
  setHandler(handler: (ev: SimEvent<P, A>) => void) {
    this.handler = handler;
  }

  addLink({ a, b, delayMs }: LinkSpec) {
    this.delays.set(pairKey(a, b), Math.max(1, delayMs));
    this.queues.set(dirKey(a, b), this.queues.get(dirKey(a, b)) ?? []);
    this.queues.set(dirKey(b, a), this.queues.get(dirKey(b, a)) ?? []);
  }

  /** Changes the delay of messages sent from now on (messages in flight keep theirs). */
  setDelay(a: NodeId, b: NodeId, delayMs: number) {
    this.delays.set(pairKey(a, b), Math.max(1, delayMs));
  }

  delay(a: NodeId, b: NodeId): number {
    const d = this.delays.get(pairKey(a, b));
    if (d === undefined) throw new Error(`no link between ${a} and ${b}`);
    return d;
  }

  /** Schedules a local action (a user's edit, going offline, ...) at a time. */
  schedule(at: number, node: NodeId, action: A) {
    this.agenda.push({ at: Math.max(at, this.now), node, action, seq: this.seq++ });
    this.agenda.sort((x, y) => x.at - y.at || x.seq - y.seq);
  }

  send(from: NodeId, to: NodeId, payload: P, bytes: number, label: string): Message<P> {
    const queue = this.queues.get(dirKey(from, to));
    if (!queue) throw new Error(`no link from ${from} to ${to}`);
    const jitter = this.config.jitterMs ? Math.floor(this.rng() * (this.config.jitterMs + 1)) : 0;
    const msg: Message<P> = {
      id: this.messages.length,
      from,
      to,
      payload,
      bytes,
      label,
      sentAt: this.now,
      deliverAt: this.isUp(from, to) ? this.fifoTime(queue, this.now + this.delay(from, to) + jitter) : Infinity,
      vc: { ...this.vcs.get(from)! },
    };
    queue.push(msg);
    this.messages.push(msg);
    this.stats.messages++;
    this.stats.bytes += bytes;
    this.log.push({ kind: 'send', at: this.now, msg: msg.id, from, to, bytes, label });
    return msg;
  }

  isUp(a: NodeId, b: NodeId): boolean {
    return !this.cutPairs.has(pairKey(a, b)) && !this.offline.has(a) && !this.offline.has(b);
  }

  isOnline(node: NodeId): boolean {
    return !this.offline.has(node);
  }

  /** Cuts a link: messages on it wait (like a TCP connection that will be re-established). */
  cut(a: NodeId, b: NodeId) {
    this.cutPairs.add(pairKey(a, b));
    this.holdPair(a, b);
    this.log.push({ kind: 'cut', at: this.now, a, b });
  }

  heal(a: NodeId, b: NodeId) {
    this.cutPairs.delete(pairKey(a, b));
    this.releasePair(a, b);
    this.log.push({ kind: 'heal', at: this.now, a, b });
  }

  setOnline(node: NodeId, online: boolean) {
    if (online === this.isOnline(node)) return;
    if (online) this.offline.delete(node);
    else this.offline.add(node);
    for (const key of this.pairsOf(node)) {
      const [a, b] = key.split('|');
      if (online) this.releasePair(a, b);
      else this.holdPair(a, b);
    }
    this.log.push({ kind: online ? 'online' : 'offline', at: this.now, node });
  }

  /** Messages that could be delivered next, one per link direction (FIFO). */
  heads(): Message<P>[] {
    const out: Message<P>[] = [];
    for (const q of this.queues.values()) if (q.length && Number.isFinite(q[0].deliverAt)) out.push(q[0]);
    return out;
  }

  /** Messages sent but not yet delivered, including those held on a cut link. */
  inFlight(): Message<P>[] {
    return [...this.queues.values()].flat();
  }

  /** When the next event happens, or undefined when nothing can happen any more. */
  nextTime(): number | undefined {
    let t = this.agenda.length ? this.agenda[0].at : Infinity;
    for (const m of this.heads()) t = Math.min(t, m.deliverAt);
    return Number.isFinite(t) ? t : undefined;
  }

  /** Processes the next event (a local action or a delivery) and returns it. */
  step(): SimEvent<P, A> | undefined {
    const t = this.nextTime();
    if (t === undefined) return undefined;
    if (this.agenda.length && this.agenda[0].at === t) {
      const s = this.agenda.shift()!;
      this.now = Math.max(this.now, s.at);
      const ev: SimEvent<P, A> = { kind: 'local', at: this.now, node: s.node, action: s.action, seq: s.seq };
      this.handler(ev);
      return ev;
    }
    const due = this.heads()
      .filter((m) => m.deliverAt === t)
      .sort((x, y) => x.id - y.id)[0];
    return this.deliver(due.id);
  }

  /** Delivers a given head-of-queue message now (tests use this to pick random orders). */
  deliver(id: number): SimEvent<P, A> {
    const msg = this.messages[id];
    const queue = this.queues.get(dirKey(msg.from, msg.to))!;
    if (queue[0] !== msg) throw new Error(`message ${id} is not at the head of its link (FIFO)`);
    if (!Number.isFinite(msg.deliverAt)) throw new Error(`message ${id} is held on a link that is down`);
    queue.shift();
    this.now = Math.max(this.now, msg.deliverAt);
    msg.deliveredAt = this.now;
    const vc = this.vcs.get(msg.to)!;
    for (const [n, c] of Object.entries(msg.vc)) vc[n] = Math.max(vc[n] ?? 0, c);
    this.log.push({ kind: 'deliver', at: this.now, msg: id, from: msg.from, to: msg.to, vc: { ...vc } });
    const ev: SimEvent<P, A> = { kind: 'deliver', at: this.now, msg };
    this.handler(ev);
    return ev;
  }

  /**
   * Records a local event at a node (an edit): ticks its vector clock and
   * returns the clock, which the views use to find concurrent edits.
   */
  tick(node: NodeId, label: string): VectorClock {
    const vc = this.vcs.get(node)!;
    vc[node] = (vc[node] ?? 0) + 1;
    const snapshot = { ...vc };
    this.log.push({ kind: 'local', at: this.now, node, seq: this.seq++, vc: snapshot, label });
    return snapshot;
  }

  /** Moves the clock forward to a time at which nothing earlier is pending. */
  advanceTo(t: number) {
    const next = this.nextTime();
    if (next !== undefined && next < t) throw new Error(`cannot skip to ${t}: an event is due at ${next}`);
    this.now = Math.max(this.now, t);
  }

  /** Runs until nothing is due; the limit guards against a protocol that never quiesces. */
  runToEnd(maxEvents = 100_000): number {
    let n = 0;
    while (this.step()) if (++n >= maxEvents) throw new Error(`no quiescence after ${maxEvents} events`);
    return n;
  }

  private fifoTime(queue: Message<P>[], at: number): number {
    const last = queue[queue.length - 1];
    return last && Number.isFinite(last.deliverAt) ? Math.max(at, last.deliverAt) : at;
  }

  private pairsOf(node: NodeId): string[] {
    return [...this.delays.keys()].filter((k) => k.split('|').includes(node));
  }

  private holdPair(a: NodeId, b: NodeId) {
    for (const q of [this.queues.get(dirKey(a, b)), this.queues.get(dirKey(b, a))]) {
      for (const m of q ?? []) m.deliverAt = Infinity;
    }
  }

  /** A healed link re-sends what waited on it, in order, one delay from now. */
  private releasePair(a: NodeId, b: NodeId) {
    if (!this.isUp(a, b)) return;
    for (const q of [this.queues.get(dirKey(a, b)), this.queues.get(dirKey(b, a))]) {
      let prev = this.now;
      for (const m of q ?? []) {
        if (!Number.isFinite(m.deliverAt)) m.deliverAt = Math.max(prev, this.now + this.delay(a, b));
        prev = m.deliverAt;
      }
    }
  }
}

/** Two clocks are concurrent when neither has seen everything the other has. */
export function concurrent(x: VectorClock, y: VectorClock): boolean {
  const nodes = new Set([...Object.keys(x), ...Object.keys(y)]);
  let xBehind = false;
  let yBehind = false;
  for (const n of nodes) {
    if ((x[n] ?? 0) < (y[n] ?? 0)) xBehind = true;
    if ((y[n] ?? 0) < (x[n] ?? 0)) yBehind = true;
  }
  return xBehind && yBehind;
}
