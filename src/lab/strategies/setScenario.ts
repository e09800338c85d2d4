/**
 * set (§5, "CRDT Set (Add-Only)"): replica 1 adds apple and banana, replica 2
 * adds banana and cherry; states are exchanged and merged by union, giving
 * {apple, banana, cherry} everywhere. With "try a remove", replica 1 deletes
 * banana from its local set — a G-Set has no remove — and the next merge
 * brings banana back.
 */
import { formatSet, GSET_EMPTY, gsetAdd, gsetMerge, type GSet } from './sets';
import { Pane, str, type Lane, type Model, type OutcomeItem, type ReplicaCard, type StrategyScenario } from './model';

const LANES: Lane[] = [
  { id: 'S1', name: 'set1', note: 'replica 1', color: '#1f6fd1' },
  { id: 'S2', name: 'set2', note: 'replica 2', color: '#15803d' },
];
const DELAY_MS = 200;

type Op = { kind: 'add' | 'remove'; node: string; el: string } | { kind: 'sync'; node: string };

interface Msg {
  author: string;
  state: GSet;
}

class SetModel implements Model {
  readonly pane = new Pane<Msg, Op>('gset', 'G-Set', LANES, [{ a: 'S1', b: 'S2', delayMs: DELAY_MS }]);
  readonly panes = [this.pane];
  private readonly state = new Map<string, GSet>(LANES.map((l) => [l.id, GSET_EMPTY]));
  private removed?: string;

  constructor(tryRemove: boolean) {
    this.pane.on((ev) => {
      if (ev.kind === 'local') this.local(ev.action);
      else this.receive(ev.msg.to, ev.msg.payload.state);
    });
    const script: [number, Op][] = [
      [0, { kind: 'add', node: 'S1', el: 'apple' }],
      [0, { kind: 'add', node: 'S2', el: 'banana' }],
      [50, { kind: 'add', node: 'S1', el: 'banana' }],
      [50, { kind: 'add', node: 'S2', el: 'cherry' }],
    ];
    if (tryRemove) {
      script.push([400, { kind: 'remove', node: 'S1', el: 'banana' }]);
      // Periodic anti-entropy: replica 2 sends its whole state again.
      script.push([500, { kind: 'sync', node: 'S2' }]);
    }
    for (const [at, op] of script) this.pane.sim.schedule(at, op.node, op);
  }

  private other = (n: string) => (n === 'S1' ? 'S2' : 'S1');
  private name = (n: string) => this.pane.lane(n).name;

  private local(op: Op) {
    const s = this.state.get(op.node)!;
    if (op.kind === 'add') {
      this.state.set(op.node, gsetAdd(s, op.el));
      this.pane.edit(op.node, `add ${op.el}`);
      this.pane.note(op.node, 'created', `${this.name(op.node)}.add('${op.el}') → ${formatSet(this.state.get(op.node)!)}.`);
    } else if (op.kind === 'remove') {
      // Not a G-Set operation: this is what deleting from the underlying Set would do.
      this.removed = op.el;
      this.state.set(op.node, s.filter((x) => x !== op.el));
      this.pane.edit(op.node, `delete ${op.el}`);
      this.pane.note(op.node, 'lost', `A G-Set has no remove. ${this.name(op.node)} deletes '${op.el}' from its local Set anyway → ${formatSet(this.state.get(op.node)!)}.`);
    } else {
      this.pane.note(op.node, 'sent', `${this.name(op.node)} sends its whole state again (periodic sync).`);
    }
    const st = this.state.get(op.node)!;
    this.pane.sim.send(op.node, this.other(op.node), { author: op.node, state: st }, JSON.stringify(st).length, formatSet(st));
  }

  private receive(node: string, incoming: GSet) {
    const before = this.state.get(node)!;
    const after = gsetMerge(before, incoming);
    this.state.set(node, after);
    const back = this.removed && after.includes(this.removed) && !before.includes(this.removed);
    this.pane.note(
      node,
      back ? 'lost' : 'applied',
      back
        ? `${this.name(node)} merges ${formatSet(incoming)}: union brings '${this.removed}' back. A grow-only set cannot forget.`
        : `${this.name(node)}.merge(${formatSet(incoming)}) = union → ${formatSet(after)}.`,
    );
  }

  replicas(): ReplicaCard[] {
    return LANES.map((l) => ({ id: l.id, title: `${l.name} (${l.note})`, color: l.color, rows: [{ value: formatSet(this.state.get(l.id)!) }] }));
  }

  outcomeLabels() {
    return LANES.map((l) => l.name);
  }

  outcomes(): OutcomeItem[] {
    return LANES.map((l) => {
      const s = this.state.get(l.id)!;
      return { label: l.name, value: s.join(', '), display: formatSet(s), tone: 'ok', note: this.removed && s.includes(this.removed) ? `'${this.removed}' came back` : undefined };
    });
  }

  verdict(): string | undefined {
    const s = this.state.get('S1')!;
    if (this.removed && s.includes(this.removed)) return `The delete did not stick: union merged '${this.removed}' straight back. To remove, a CRDT set needs tombstones (2P-Set) or tags (OR-Set): see the cart.`;
    return `set1.merge(set2) = ${formatSet(s)} on both replicas, whatever order the states arrive in.`;
  }

  actions() {
    return [];
  }

  act() {}

  extra() {
    return undefined;
  }
}

export const setScenario: StrategyScenario = {
  id: 'set',
  title: 'Set: G-Set (add only)',
  group: 'CRDTs',
  chapter: '§5 Strategy 3',
  caption:
    'The chapter\'s GSet: set1 adds apple and banana, set2 adds banana and cherry. Each sends its whole set and merges what it receives by union, ' +
    'so both end with {apple, banana, cherry} in any order. Now choose "try to remove banana": set1 deletes it locally, but the next merge with set2 brings it straight back. ' +
    'Adding is easy; removing needs more machinery.',
  params: [
    {
      kind: 'choice',
      key: 'remove',
      label: 'Then',
      options: [
        { value: 'off', label: 'only add' },
        { value: 'on', label: 'try to remove banana' },
      ],
    },
  ],
  defaults: { remove: 'off' },
  build: (p) => new SetModel(str(p, 'remove') === 'on'),
};
