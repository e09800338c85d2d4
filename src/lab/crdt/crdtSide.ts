/**
 * The CRDT side: one Replica (Y.Doc) per user plus one for the relay, which
 * applies each update once and forwards the same bytes to everyone else —
 * the shape of Concord's real relay. No update is ever transformed: each
 * replica integrates items by their ids and origins.
 */
import * as Y from 'yjs';
import { Simulator } from '../sim/simulator';
import type { SimEvent } from '../sim/types';
import { SERVER, type Participant, type Scenario, type UserAction, type UserId } from '../scenarios/types';
import type { Costs, EditRecord, LabSide, TraceEntry } from '../side';
import { formatStateVector, itemCounts, stateVector } from './inspect';
import { Replica, seedUpdate } from './replica';

/** The CRDT wire protocol of the lab (y-protocols' sync messages, simplified). */
export type CrdtMessage =
  | { type: 'update'; update: Uint8Array; author: UserId }
  /** Sync step 1: "here is what I have"; the relay answers with what is missing. */
  | { type: 'sync-request'; stateVector: Uint8Array }
  | { type: 'sync-reply'; update: Uint8Array };

/** Relay's clientID: it never edits, but a Y.Doc needs one. */
const RELAY_CLIENT_ID = 0;

export interface CrdtOptions {
  seed: number;
  /** false: Alice gets the lowest clientID (default). true: the order is reversed. */
  flipped: boolean;
}

/** The clientIDs used for a run: flipping reverses who is lowest. */
export function clientIds(participants: Participant[], flipped: boolean): Map<UserId, number> {
  const ids = participants.map((p) => p.clientId);
  const sorted = [...ids].sort((a, b) => a - b);
  const order = [...participants].sort((a, b) => a.clientId - b.clientId);
  return new Map(order.map((p, i) => [p.id, flipped ? sorted[sorted.length - 1 - i] : sorted[i]]));
}

export class CrdtSide implements LabSide {
  readonly name = 'crdt' as const;
  readonly sim: Simulator<unknown, UserAction>;
  readonly trace: TraceEntry[] = [];
  readonly edits: EditRecord[] = [];
  readonly relay: Replica;
  readonly replicas = new Map<UserId, Replica>();
  readonly ids: Map<UserId, number>;
  /**
   * Each user's caret as a Yjs relative position glued to the character
   * before it (assoc -1), so text arriving at the caret goes after it.
   */
  private readonly carets = new Map<UserId, Y.RelativePosition>();
  /** The edit being applied, so the update it produces can be labelled with it. */
  private editLabel = '';

  constructor(readonly scenario: Scenario, options: CrdtOptions) {
    this.ids = clientIds(scenario.participants, options.flipped);
    this.sim = new Simulator<unknown, UserAction>({
      nodes: [SERVER, ...scenario.participants.map((p) => p.id)],
      links: scenario.participants.map((p) => ({ a: p.id, b: SERVER, delayMs: p.delayMs })),
      seed: options.seed,
    });
    const seed = seedUpdate(scenario.initialText);
    this.relay = new Replica(RELAY_CLIENT_ID);
    if (seed) this.relay.applyRemote(seed);
    for (const p of scenario.participants) {
      const replica = this.makeReplica(p.id);
      // A late joiner starts empty and fetches everything when it joins.
      if (seed && !p.late) replica.applyRemote(seed);
      if (!p.late) this.replicas.set(p.id, replica);
    }
    this.sim.setHandler((ev) => this.handle(ev as SimEvent<CrdtMessage, UserAction>));
  }

  texts(): Map<UserId, string> {
    return new Map([...this.replicas].map(([id, r]) => [id, r.toString()]));
  }

  serverText(): string {
    return this.relay.toString();
  }

  costs(): Costs {
    const c = itemCounts(this.relay.doc);
    return {
      messages: this.sim.stats.messages,
      bytes: this.sim.stats.bytes,
      metadata: `${plural(c.items, 'item')} for ${plural(c.chars, 'char')}, ${plural(c.tombstones, 'tombstone')}`,
      metadataCount: c.items,
      tombstones: c.tombstones,
    };
  }

  act(action: UserAction) {
    const { sim } = this;
    const user = action.user;
    switch (action.kind) {
      case 'offline':
      case 'online':
        sim.setOnline(user, action.kind === 'online');
        this.note(user, 'network', `${user} goes ${action.kind}`);
        return;
      case 'join': {
        const replica = this.makeReplica(user);
        this.replicas.set(user, replica);
        const sv = Y.encodeStateVector(replica.doc);
        this.sim.send(user, SERVER, { type: 'sync-request', stateVector: sv } satisfies CrdtMessage, sv.length, 'state vector');
        this.note(user, 'sent', `${user} sends its state vector ${formatStateVector(stateVector(replica.doc))}`);
        return;
      }
      case 'insert':
      case 'delete': {
        const replica = this.replicas.get(user);
        if (!replica) throw new Error(`${user} edits before joining`);
        const before = replica.toString();
        const pos = Math.min(action.pos ?? this.caretIndex(user, replica), before.length);
        const label =
          action.kind === 'insert'
            ? `insert "${action.text}" @${pos}`
            : `delete "${before.slice(pos, pos + action.len)}" @${pos}`;
        if (action.kind === 'insert' ? !action.text : before.slice(pos, pos + action.len) === '') return;
        this.edits.push({ at: sim.now, user, label, vc: sim.tick(user, label) });
        this.note(user, 'created', `${user} ${label} (clientID ${this.ids.get(user)})`);
        // The replica's update handler sends the resulting update.
        this.editLabel = label;
        if (action.kind === 'insert') replica.insert(pos, action.text);
        else replica.delete(pos, action.len);
        const caret = action.kind === 'insert' ? pos + action.text.length : pos;
        this.carets.set(user, Y.createRelativePositionFromTypeIndex(replica.text, caret, -1));
        return;
      }
    }
  }

  private caretIndex(user: UserId, replica: Replica): number {
    const rel = this.carets.get(user);
    const abs = rel && Y.createAbsolutePositionFromRelativePosition(rel, replica.doc);
    return abs ? abs.index : 0;
  }

  private makeReplica(user: UserId): Replica {
    return new Replica(this.ids.get(user)!, (update) => {
      const label = `${this.editLabel} · ${update.length} B`;
      this.sim.send(user, SERVER, { type: 'update', update, author: user } satisfies CrdtMessage, update.length, label);
      this.note(user, 'sent', `${user} sends a ${update.length}-byte update (${this.editLabel})`);
    });
  }

  private handle(ev: SimEvent<CrdtMessage, UserAction>) {
    if (ev.kind === 'local') return this.act(ev.action);
    const { msg } = ev;
    const m = msg.payload;
    if (msg.to === SERVER) {
      switch (m.type) {
        case 'update':
          this.relay.applyRemote(m.update);
          this.note(SERVER, 'integrated', `relay integrates ${m.author}'s update → "${this.relay}" ${this.sv(this.relay)}`);
          // Forward the same bytes; never back to the sender.
          for (const id of this.replicas.keys()) {
            if (id !== msg.from) this.sim.send(SERVER, id, m, msg.bytes, msg.label);
          }
          return;
        case 'sync-request': {
          const update = Y.encodeStateAsUpdate(this.relay.doc, m.stateVector);
          this.sim.send(SERVER, msg.from, { type: 'sync-reply', update } satisfies CrdtMessage, update.length, `missing ${update.length} B`);
          return;
        }
        case 'sync-reply':
          throw new Error('the relay received a sync-reply');
      }
    }
    const replica = this.replicas.get(msg.to);
    if (!replica) throw new Error(`${msg.to} received ${m.type} before joining`);
    switch (m.type) {
      case 'update':
      case 'sync-reply':
        replica.applyRemote(m.update);
        this.note(
          msg.to,
          m.type === 'update' ? 'integrated' : 'joined',
          `${msg.to} integrates ${m.type === 'update' ? `${m.author}'s update` : 'the missing items'} → "${replica}" ${this.sv(replica)}`,
        );
        return;
      case 'sync-request':
        throw new Error('a client received a sync-request');
    }
  }

  private sv(r: Replica): string {
    return `sv ${formatStateVector(stateVector(r.doc))}`;
  }

  private note(node: string, kind: TraceEntry['kind'], text: string) {
    this.trace.push({ at: this.sim.now, node, kind, text });
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
