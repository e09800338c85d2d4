/**
 * counter (§5, Strategy 3, "CRDT Counter"): the counter starts at 5 and both
 * replicas increment at once. A naive replicated integer sends its new value
 * and the receiver overwrites: 6, one increment lost. The G-Counter sends its
 * per-replica entries and merges by maximum: 5 + 1 + 1 = 7. The PN-Counter
 * variant adds a decrement.
 */
import { formatG, G_EMPTY, gIncrement, gMerge, gValue, PN_EMPTY, pnDecrement, pnIncrement, pnMerge, pnValue, type GCounter, type PNCounter } from './counters';
import { Pane, str, type Lane, type Model, type OutcomeItem, type ReplicaCard, type StrategyScenario } from './model';

const BASE = 5;
const LANES: Lane[] = [
  { id: 'A', name: 'Replica A', note: 'likes counter', color: '#1f6fd1' },
  { id: 'B', name: 'Replica B', note: 'likes counter', color: '#c2410c' },
];
const DELAY_MS = 200;

type Op = { kind: 'inc' | 'dec'; node: string };

interface Msg {
  author: string;
  naive: number;
  g: GCounter;
  pn: PNCounter;
}

interface State {
  naive: number;
  g: GCounter;
  pn: PNCounter;
}

class CounterModel implements Model {
  readonly pane = new Pane<Msg, Op>('counter', 'Counter', LANES, [{ a: 'A', b: 'B', delayMs: DELAY_MS }]);
  readonly panes = [this.pane];
  private readonly state = new Map<string, State>(LANES.map((l) => [l.id, { naive: BASE, g: G_EMPTY, pn: PN_EMPTY }]));
  private ops: Op[] = [];

  constructor(private readonly pn: boolean) {
    this.pane.on((ev) => {
      if (ev.kind === 'local') this.local(ev.action);
      else this.receive(ev.msg.to, ev.msg.payload);
    });
    const script: [number, Op][] = [
      [0, { kind: 'inc', node: 'A' }],
      [0, { kind: 'inc', node: 'B' }],
    ];
    if (pn) script.push([300, { kind: 'dec', node: 'A' }]);
    for (const [at, op] of script) this.pane.sim.schedule(at, op.node, op);
  }

  private get crdtName() {
    return this.pn ? 'PN-Counter' : 'G-Counter';
  }

  private crdtValue(s: State): number {
    return BASE + (this.pn ? pnValue(s.pn) : gValue(s.g));
  }

  private crdtText(s: State): string {
    return this.pn ? `P${formatG(s.pn.p)} N${formatG(s.pn.n)}` : formatG(s.g);
  }

  private local(op: Op) {
    const s = this.state.get(op.node)!;
    this.ops.push(op);
    const sign = op.kind === 'inc' ? '+1' : '−1';
    s.naive += op.kind === 'inc' ? 1 : -1;
    s.g = op.kind === 'inc' ? gIncrement(s.g, op.node) : s.g;
    s.pn = op.kind === 'inc' ? pnIncrement(s.pn, op.node) : pnDecrement(s.pn, op.node);
    this.pane.edit(op.node, sign);
    this.pane.note(op.node, 'created', `${op.node} counts ${sign}: naive integer = ${s.naive}; ${this.crdtName} ${this.crdtText(s)} → ${this.crdtValue(s)}.`);
    const label = `int ${s.naive} · ${this.crdtText(s)}`;
    this.pane.sim.send(op.node, op.node === 'A' ? 'B' : 'A', { author: op.node, naive: s.naive, g: s.g, pn: s.pn }, 24, label);
  }

  private receive(node: string, m: Msg) {
    const s = this.state.get(node)!;
    const before = s.naive;
    s.naive = m.naive;
    s.g = gMerge(s.g, m.g);
    s.pn = pnMerge(s.pn, m.pn);
    const naiveNote = before === m.naive ? `overwrites ${before} with ${m.naive} (its own count is gone)` : `overwrites ${before} with ${m.naive}`;
    this.pane.note(node, before === m.naive ? 'lost' : 'applied', `${node}: naive integer ${naiveNote}. ${this.crdtName} merges entry by entry: ${this.crdtText(s)} → ${this.crdtValue(s)}.`);
  }

  replicas(): ReplicaCard[] {
    return LANES.map((l) => {
      const s = this.state.get(l.id)!;
      return {
        id: l.id,
        title: l.name,
        color: l.color,
        rows: [
          { label: 'naive integer', value: String(s.naive) },
          { label: this.crdtName, value: `${BASE} + ${this.crdtText(s)} = ${this.crdtValue(s)}` },
        ],
      };
    });
  }

  outcomeLabels() {
    return ['naive integer', this.crdtName];
  }

  private agreed(f: (s: State) => number): { value: string; display: string; same: boolean } {
    const vs = LANES.map((l) => f(this.state.get(l.id)!));
    const same = vs.every((v) => v === vs[0]);
    return { value: same ? String(vs[0]) : 'diverged', display: same ? String(vs[0]) : vs.join(' ≠ '), same };
  }

  /** What the counter should read: the start plus every increment minus every decrement. */
  private expected(): number {
    return BASE + this.ops.filter((o) => o.kind === 'inc').length - this.ops.filter((o) => o.kind === 'dec').length;
  }

  outcomes(): OutcomeItem[] {
    const want = this.expected();
    const naive = this.agreed((s) => s.naive);
    const crdt = this.agreed((s) => this.crdtValue(s));
    const lost = naive.same ? want - Number(naive.value) : 0;
    return [
      {
        label: 'naive integer',
        ...naive,
        tone: naive.value === String(want) ? 'ok' : 'lost',
        note: !naive.same ? 'replicas disagree' : lost ? `${lost} increment${lost > 1 ? 's' : ''} lost` : undefined,
      },
      { label: this.crdtName, ...crdt, tone: crdt.value === String(want) ? 'ok' : 'lost', note: crdt.value === String(want) ? 'every count kept' : undefined },
    ];
  }

  verdict(): string | undefined {
    const [naive, crdt] = this.outcomes();
    return `${this.ops.length} operations on a counter that started at ${BASE} should give ${this.expected()}: the naive integer says ${naive.display}, the ${this.crdtName} says ${crdt.display}.`;
  }

  actions() {
    return [];
  }

  act() {}

  extra() {
    return undefined;
  }
}

export const counterScenario: StrategyScenario = {
  id: 'counter',
  title: 'Counter: integer vs G-Counter',
  group: 'CRDTs',
  chapter: '§5 Strategy 3',
  caption:
    'A likes counter starts at 5 and two replicas each count +1 at the same moment. The naive replica sends "the counter is now 6" and the receiver overwrites: both end at 6, one like lost. ' +
    'The G-Counter sends one entry per replica ({A:1} and {B:1}) and merges by taking the maximum of each entry: 5 + 1 + 1 = 7. ' +
    'Switch to the PN-Counter to add a decrement (a second G-Counter for the minus side).',
  params: [
    {
      kind: 'choice',
      key: 'variant',
      label: 'CRDT',
      options: [
        { value: 'g', label: 'G-Counter' },
        { value: 'pn', label: 'PN-Counter (+ a decrement)' },
      ],
    },
  ],
  defaults: { variant: 'g' },
  build: (p) => new CounterModel(str(p, 'variant') === 'pn'),
};
