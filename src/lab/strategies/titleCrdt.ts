/**
 * title-crdt (§5, Strategy 3): the title as a Yjs Y.Text, one real Y.Doc per
 * leader. Each rename is a character-level edit (delete "Project", insert the
 * new word); the updates cross, and Yjs keeps every character of both edits,
 * ordering the two concurrent inserts by clientID (Alice 1 < Bob 2).
 */
import * as Y from 'yjs';
import { charRows, formatStateVector, stateVector } from '../crdt/inspect';
import { Replica, seedUpdate } from '../crdt/replica';
import { Pane, type Model, type OutcomeItem, type ReplicaCard, type StrategyScenario } from './model';
import { ALICE_WRITE, BOB_WRITE, INITIAL_TITLE, q, TITLE_LANES, TITLE_LINKS, otherOf, writerOf, type TitleWrite } from './titleCommon';

interface Msg {
  author: string;
  update: Uint8Array;
}

const CLIENT_IDS: Record<string, number> = { A: 1, B: 2 };
/** Both renames replace the first word: "Project" → "Q1" / "Annual". */
const OLD_WORD = 'Project';

class TitleCrdtModel implements Model {
  readonly pane = new Pane<Msg, TitleWrite>('crdt', 'Yjs text', TITLE_LANES, TITLE_LINKS);
  readonly panes = [this.pane];
  readonly replicas_ = new Map<string, Replica>();

  constructor() {
    const seed = seedUpdate(INITIAL_TITLE)!;
    for (const l of TITLE_LANES) {
      const r = new Replica(CLIENT_IDS[l.id], (update) => {
        this.pane.sim.send(l.id, otherOf(l.id), { author: l.id, update }, update.length, `Y update ${update.length} B`);
      });
      r.applyRemote(seed);
      this.replicas_.set(l.id, r);
    }
    this.pane.on((ev) => {
      if (ev.kind === 'local') this.write(ev.action);
      else this.receive(ev.msg.to, ev.msg.payload.update);
    });
    this.pane.sim.schedule(ALICE_WRITE.at, 'A', ALICE_WRITE);
    this.pane.sim.schedule(BOB_WRITE.at, 'B', BOB_WRITE);
  }

  private write(w: TitleWrite) {
    const r = this.replicas_.get(w.node)!;
    const word = w.value.slice(0, w.value.indexOf(' '));
    this.pane.edit(w.node, `−${OLD_WORD} +${word}`);
    this.pane.note(w.node, 'created', `${w.by} renames to ${q(w.value)}: Yjs records delete ${q(OLD_WORD)} and insert ${q(word)} at 0, one update.`);
    // One transaction, so one update message carries both halves of the rename.
    r.doc.transact(() => {
      r.delete(0, OLD_WORD.length);
      r.insert(0, word);
    });
  }

  private receive(node: string, update: Uint8Array) {
    const r = this.replicas_.get(node)!;
    r.applyRemote(update);
    this.pane.note(node, 'integrated', `${this.pane.lane(node).name} integrates the update: ${q(r.toString())}. Both deleted the same "Project" items; the inserts sit side by side.`);
  }

  replicas(): ReplicaCard[] {
    return TITLE_LANES.map((l) => {
      const r = this.replicas_.get(l.id)!;
      return {
        id: l.id,
        title: `${l.name} (${writerOf(l.id)}, clientID ${CLIENT_IDS[l.id]})`,
        color: l.color,
        rows: [
          { value: q(r.toString()), tone: 'ok' as const },
          { label: 'items', value: runs(r.text) },
        ],
        detail: `state vector ${formatStateVector(stateVector(r.doc))}`,
      };
    });
  }

  outcomeLabels() {
    return TITLE_LANES.map((l) => l.name);
  }

  outcomes(): OutcomeItem[] {
    return TITLE_LANES.map((l) => {
      const t = this.replicas_.get(l.id)!.toString();
      return { label: l.name, value: t, display: q(t), tone: 'ok' };
    });
  }

  verdict(): string | undefined {
    const [a, b] = TITLE_LANES.map((l) => this.replicas_.get(l.id)!.toString());
    if (a !== b || !a.includes('Q1') || !a.includes('Annual')) return undefined;
    return `Converged with nothing lost: ${q(a)}. Every character of both edits survives (Alice's "Q1" left of Bob's "Annual", by clientID) — merged, but not a title anyone typed.`;
  }

  actions() {
    return [];
  }

  act() {}

  extra() {
    return undefined;
  }
}

/** "[Q1]₁ [Annual]₂ ~Project~ [ Report]": runs of characters by author, deleted runs struck out. */
function runs(text: Y.Text): string {
  const out: string[] = [];
  let cur: { client: string; deleted: boolean; s: string } | undefined;
  for (const row of charRows(text)) {
    const client = row.id.split(':')[0];
    if (cur && cur.client === client && cur.deleted === row.deleted) cur.s += row.char;
    else {
      if (cur) out.push(fmtRun(cur));
      cur = { client, deleted: row.deleted, s: row.char };
    }
  }
  if (cur) out.push(fmtRun(cur));
  return out.join(' ');
}

const fmtRun = (r: { client: string; deleted: boolean; s: string }) => (r.deleted ? `✗${r.s}✗` : `[${r.s}]`);

export const titleCrdt: StrategyScenario = {
  id: 'title-crdt',
  title: 'Title: CRDT (Yjs text)',
  group: 'Conflict resolution',
  chapter: '§5 Strategy 3',
  caption:
    'The title is a Yjs Y.Text on each leader. Alice\'s rename is "delete Project, insert Q1"; Bob\'s is "delete Project, insert Annual". ' +
    'Watch the updates cross and merge character by character: both deleted the same "Project" items, and both inserts survive, Alice\'s first because her clientID is lower. ' +
    'No write is lost and no one has to resolve anything — but is "Q1Annual Report" the title either of them wanted?',
  params: [],
  defaults: {},
  build: () => new TitleCrdtModel(),
};
