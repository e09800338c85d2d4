/**
 * The OT side: one OtClient per user and one OtServer, talking over the
 * simulator. Every step is narrated into `trace`: created, sent, transformed
 * (before → after, and against what), applied, acked.
 */
import { Simulator } from '../sim/simulator';
import type { SimEvent } from '../sim/types';
import { SERVER, type Scenario, type UserAction, type UserId } from '../scenarios/types';
import { utf8Bytes, type Costs, type EditRecord, type LabSide, type TraceEntry } from '../side';
import { OtClient } from './client';
import { codePointIndex, deleteOp, describeOp, insertOp, otType, type Side, type TextOp } from './ops';
import { OtServer } from './server';

/** The OT wire protocol of the lab, as a discriminated union. */
export type OtMessage =
  | { type: 'op'; revision: number; op: TextOp; author: UserId }
  | { type: 'ack'; revision: number }
  | { type: 'join' }
  | { type: 'snapshot'; revision: number; doc: string };

export interface SideOptions {
  seed: number;
  /** false: the op that reached the server first stays left (ot.js). true: it goes right. */
  flipped: boolean;
}

export class OtSide implements LabSide {
  readonly name = 'ot' as const;
  readonly sim: Simulator<unknown, UserAction>;
  readonly trace: TraceEntry[] = [];
  readonly edits: EditRecord[] = [];
  readonly server: OtServer;
  readonly clients = new Map<UserId, OtClient>();
  /** Each user's caret, in code points; moved by remote ops with the library's transformPosition. */
  private readonly carets = new Map<UserId, number>();
  private readonly serverFirst: Side;

  constructor(readonly scenario: Scenario, options: SideOptions) {
    this.serverFirst = options.flipped ? 'right' : 'left';
    this.sim = new Simulator<unknown, UserAction>({
      nodes: [SERVER, ...scenario.participants.map((p) => p.id)],
      links: scenario.participants.map((p) => ({ a: p.id, b: SERVER, delayMs: p.delayMs })),
      seed: options.seed,
    });
    this.server = new OtServer(scenario.initialText, this.serverFirst);
    for (const p of scenario.participants) {
      if (!p.late) this.clients.set(p.id, new OtClient(scenario.initialText, 0, this.serverFirst));
    }
    this.sim.setHandler((ev) => this.handle(ev as SimEvent<OtMessage, UserAction>));
  }

  texts(): Map<UserId, string> {
    return new Map([...this.clients].map(([id, c]) => [id, c.doc]));
  }

  serverText(): string {
    return this.server.doc;
  }

  costs(): Costs {
    let transforms = this.server.transforms;
    for (const c of this.clients.values()) transforms += c.transforms;
    return {
      messages: this.sim.stats.messages,
      bytes: this.sim.stats.bytes,
      transforms,
      metadata: `server log: ${this.server.log.length} op${this.server.log.length === 1 ? '' : 's'}`,
      metadataCount: this.server.log.length,
    };
  }

  /** Applies a user action right now (free mode, and the scheduled script). */
  act(action: UserAction) {
    const { sim } = this;
    const user = action.user;
    switch (action.kind) {
      case 'offline':
      case 'online':
        sim.setOnline(user, action.kind === 'online');
        this.note(user, 'network', `${user} goes ${action.kind}`);
        return;
      case 'join':
        this.sendMsg(user, SERVER, { type: 'join' }, 'join');
        this.note(user, 'sent', `${user} asks the server for the document`);
        return;
      case 'insert':
      case 'delete': {
        const client = this.clients.get(user);
        if (!client) throw new Error(`${user} edits before joining`);
        const caret = this.carets.get(user) ?? 0;
        const op = toOp(client.doc, action, caret);
        if (!op.length) return;
        this.carets.set(user, caretAfter(op));
        const label = describeOp(op);
        this.edits.push({ at: sim.now, user, label, vc: sim.tick(user, label) });
        this.note(user, 'created', `${user} creates ${label} (${client.state.name}, rev ${client.revision})`);
        const toSend = client.applyLocal(op);
        if (toSend) this.sendOp(user, client, toSend);
        else this.note(user, 'created', `${user} keeps it in the buffer: one op in flight at a time`);
        return;
      }
    }
  }

  private handle(ev: SimEvent<OtMessage, UserAction>) {
    if (ev.kind === 'local') return this.act(ev.action);
    const { msg } = ev;
    const m = msg.payload;
    if (msg.to === SERVER) return this.serverReceives(msg.from, m);
    const client = this.clients.get(msg.to);
    switch (m.type) {
      case 'snapshot':
        this.clients.set(msg.to, new OtClient(m.doc, m.revision, this.serverFirst));
        this.note(msg.to, 'joined', `${msg.to} loads "${m.doc}" at rev ${m.revision}`);
        return;
      case 'ack': {
        if (!client) throw new Error(`ack for ${msg.to}, which has no document`);
        const next = client.ack();
        this.note(msg.to, 'acked', `${msg.to}'s op is confirmed as rev ${m.revision} → ${client.state.name}`);
        if (next) this.sendOp(msg.to, client, next);
        return;
      }
      case 'op': {
        if (!client) throw new Error(`op for ${msg.to}, which has no document`);
        const r = client.applyServer(m.op);
        this.carets.set(msg.to, otType.transformPosition(this.carets.get(msg.to) ?? 0, r.applied));
        const before = describeOp(r.received);
        const after = describeOp(r.applied);
        if (r.against.length) {
          const against = r.against.map(describeOp).join(' + ');
          this.note(msg.to, 'transformed', `${msg.to} transforms ${m.author}'s ${before} → ${after} against its own ${against}`);
        }
        this.note(msg.to, 'applied', `${msg.to} applies ${after} → "${client.doc}" (rev ${client.revision})`);
        return;
      }
      case 'join':
        throw new Error('a client received a join');
    }
  }

  private serverReceives(from: UserId, m: OtMessage) {
    switch (m.type) {
      case 'join':
        this.sendMsg(SERVER, from, { type: 'snapshot', revision: this.server.revision, doc: this.server.doc }, `snapshot r${this.server.revision}`);
        return;
      case 'op': {
        const r = this.server.receive(m.author, m.revision, m.op);
        for (const s of r.steps) {
          this.note(
            SERVER,
            'transformed',
            `server transforms ${from}'s ${describeOp(s.before)} → ${describeOp(s.after)} against ${s.against.author}'s ${describeOp(s.against.op)}`,
          );
        }
        this.note(SERVER, 'applied', `server applies ${describeOp(r.op)} as rev ${r.revision} → "${this.server.doc}"`);
        this.sendMsg(SERVER, from, { type: 'ack', revision: r.revision }, `ack r${r.revision}`);
        for (const id of this.clients.keys()) {
          if (id !== from) this.sendMsg(SERVER, id, { type: 'op', revision: r.revision, op: r.op, author: from }, describeOp(r.op));
        }
        return;
      }
      case 'ack':
      case 'snapshot':
        throw new Error(`the server received a ${m.type}`);
    }
  }

  private sendOp(user: UserId, client: OtClient, op: TextOp) {
    this.sendMsg(user, SERVER, { type: 'op', revision: client.revision, op, author: user }, describeOp(op));
    this.note(user, 'sent', `${user} sends ${describeOp(op)} made at rev ${client.revision}`);
  }

  private sendMsg(from: string, to: string, m: OtMessage, label: string) {
    this.sim.send(from, to, m, utf8Bytes(JSON.stringify(m)), label);
  }

  private note(node: string, kind: TraceEntry['kind'], text: string) {
    this.trace.push({ at: this.sim.now, node, kind, text });
  }
}

/** Turns a user action into an op on this client's text (positions clamped to it). */
function toOp(doc: string, action: UserAction & { kind: 'insert' | 'delete' }, caret: number): TextOp {
  const length = [...doc].length;
  if (action.kind === 'insert') {
    const at = action.pos === undefined ? Math.min(caret, length) : codePointIndex(doc, Math.min(action.pos, doc.length));
    return action.text ? insertOp(at, action.text) : [];
  }
  const pos = codePointIndex(doc, Math.min(action.pos, doc.length));
  const end = codePointIndex(doc, Math.min(action.pos + action.len, doc.length));
  return end > pos && pos < length ? deleteOp(doc, pos, end - pos) : [];
}

/** Where the caret ends after the user's own op: after an insert, at a delete. */
function caretAfter(op: TextOp): number {
  let pos = 0;
  for (const c of op) {
    if (typeof c === 'number') pos += c;
    else if (typeof c === 'string') return pos + [...c].length;
    else return pos;
  }
  return pos;
}
