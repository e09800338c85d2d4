/**
 * title-lww (§5, Strategy 1): each leader stamps its write with its own
 * clock; on sync the larger stamp wins and the other write is dropped. The
 * teacher skews either clock; a fast enough London clock makes Alice's
 * earlier write win.
 */
import { formatClock, lwwBeats, type LwwRegister } from './lww';
import { num, Pane, type Model, type OutcomeItem, type ReplicaCard, type StrategyScenario } from './model';
import { ALICE_WRITE, BOB_WRITE, INITIAL_TITLE, q, TITLE_LANES, TITLE_LINKS, writerOf, otherOf, type TitleWrite } from './titleCommon';

interface Reg extends LwwRegister<string> {
  by: string;
  /** True time of the write (for the verdict, not for the rule). */
  realAt: number;
}

interface Msg {
  author: string;
  reg: Reg;
}

const INITIAL: Reg = { value: INITIAL_TITLE, ts: -3_600_000, node: '', seq: 0, by: 'nobody', realAt: -3_600_000 };

class LwwModel implements Model {
  readonly pane: Pane<Msg, TitleWrite>;
  readonly panes: Pane<Msg, TitleWrite>[];
  private readonly reg = new Map<string, Reg>([
    ['A', INITIAL],
    ['B', INITIAL],
  ]);
  private readonly dropped = new Map<string, Reg[]>([
    ['A', []],
    ['B', []],
  ]);
  private seq = 0;

  constructor(private readonly skew: Record<string, number>) {
    const lanes = TITLE_LANES.map((l) => ({ ...l, note: `${writerOf(l.id)} · clock ${fmtSkew(skew[l.id])}` }));
    this.pane = new Pane<Msg, TitleWrite>('lww', 'Last write wins', lanes, TITLE_LINKS);
    this.panes = [this.pane];
    this.pane.on((ev) => {
      if (ev.kind === 'local') this.write(ev.action);
      else this.receive(ev.msg.to, ev.msg.payload.reg);
    });
    this.pane.sim.schedule(ALICE_WRITE.at, 'A', ALICE_WRITE);
    this.pane.sim.schedule(BOB_WRITE.at, 'B', BOB_WRITE);
  }

  private write(w: TitleWrite) {
    const reg: Reg = { value: w.value, ts: w.at + this.skew[w.node], node: w.node, seq: ++this.seq, by: w.by, realAt: w.at };
    this.pane.edit(w.node, `${w.value} @${formatClock(reg.ts)}`);
    this.pane.note(w.node, 'created', `${w.by} sets the title to ${q(w.value)}; ${this.pane.lane(w.node).name}'s clock stamps it ${formatClock(reg.ts)}.`);
    this.receive(w.node, reg, true);
    this.pane.sim.send(w.node, otherOf(w.node), { author: w.node, reg }, w.value.length + 16, `${q(w.value)} ${formatClock(reg.ts)}`);
  }

  private receive(node: string, incoming: Reg, local = false) {
    const cur = this.reg.get(node)!;
    const where = this.pane.lane(node).name;
    if (lwwBeats(incoming, cur)) {
      this.reg.set(node, incoming);
      if (cur !== INITIAL) {
        this.dropped.get(node)!.push(cur);
        this.pane.note(node, 'lost', `${where}: ${formatClock(incoming.ts)} > ${formatClock(cur.ts)}, so ${q(incoming.value)} wins and ${q(cur.value)} is dropped.`);
      } else if (!local) this.pane.note(node, 'applied', `${where} applies ${q(incoming.value)} (${formatClock(incoming.ts)}).`);
    } else {
      this.dropped.get(node)!.push(incoming);
      this.pane.note(node, 'lost', `${where}: ${formatClock(incoming.ts)} < ${formatClock(cur.ts)}, so it keeps ${q(cur.value)} and drops ${q(incoming.value)}.`);
    }
  }

  replicas(): ReplicaCard[] {
    return TITLE_LANES.map((l) => {
      const r = this.reg.get(l.id)!;
      return {
        id: l.id,
        title: `${l.name} (${writerOf(l.id)})`,
        color: l.color,
        rows: [
          { value: q(r.value), tone: 'ok' as const },
          ...this.dropped.get(l.id)!.map((d) => ({ label: 'lost', value: `${q(d.value)} ${formatClock(d.ts)}`, tone: 'lost' as const })),
        ],
        detail: r === INITIAL ? 'initial value' : `stamp ${formatClock(r.ts)} by ${r.by}`,
      };
    });
  }

  outcomeLabels() {
    return TITLE_LANES.map((l) => l.name);
  }

  outcomes(): OutcomeItem[] {
    return TITLE_LANES.map((l) => {
      const r = this.reg.get(l.id)!;
      const lost = this.dropped.get(l.id)!.map((d) => q(d.value));
      return { label: l.name, value: r.value, display: q(r.value), tone: 'ok', note: lost.length ? `lost: ${lost.join(', ')}` : undefined };
    });
  }

  verdict(): string | undefined {
    const a = this.reg.get('A')!;
    const b = this.reg.get('B')!;
    if (a.value !== b.value) return undefined;
    const loser = a.by === 'Alice' ? BOB_WRITE : ALICE_WRITE;
    const loserTs = loser.at + this.skew[loser.node];
    if (a.realAt >= loser.at) {
      return `The later write won: ${q(a.value)} (${a.by}, stamped ${formatClock(a.ts)}). ${loser.by}'s ${q(loser.value)} (${formatClock(loserTs)}) is lost on both replicas, silently.`;
    }
    return `Clock skew: the EARLIER write won. ${a.by}'s ${q(a.value)} happened at ${formatClock(a.realAt)} but was stamped ${formatClock(a.ts)}, after ${loser.by}'s ${q(loser.value)} (stamped ${formatClock(loserTs)}), which is lost.`;
  }

  actions() {
    return [];
  }

  act() {}

  extra() {
    return undefined;
  }
}

const fmtSkew = (ms: number) => (ms === 0 ? 'exact' : `${ms > 0 ? '+' : '−'}${Math.abs(ms)} ms`);

export const titleLww: StrategyScenario = {
  id: 'title-lww',
  title: 'Title: last write wins',
  group: 'Conflict resolution',
  chapter: '§5 Strategy 1',
  caption:
    'Alice (London) renames "Project Report" to "Q1 Report" at 10:00:00; Bob (New York) renames it "Annual Report" at 10:00:01. ' +
    'Each leader stamps its write with its own clock, and on sync the larger stamp wins everywhere. Watch the red line: the other write is dropped without a trace. ' +
    'Then push London\'s clock more than a second fast and run again: the earlier write wins.',
  params: [
    { kind: 'range', key: 'skewA', label: 'London clock', min: -2000, max: 2000, step: 250, unit: 'ms', signed: true },
    { kind: 'range', key: 'skewB', label: 'New York clock', min: -2000, max: 2000, step: 250, unit: 'ms', signed: true },
  ],
  defaults: { skewA: 0, skewB: 0 },
  build: (p) => new LwwModel({ A: num(p, 'skewA'), B: num(p, 'skewB') }),
};
