/**
 * cart (§8, "Shopping Cart"; §5's Redis example): the phone adds "laptop",
 * the browser adds "mouse". Later both devices remove the laptop, and the
 * phone, having changed its mind, adds it again before the browser's remove
 * arrives. Three replications of the same operations side by side:
 *
 * - naive list: each device applies the other's add/remove ops in arrival
 *   order. The two devices end with different carts.
 * - 2P-Set: remove is for ever; the re-add is ignored. The laptop is lost.
 * - OR-Set: the re-add has a new tag the browser's remove never saw; add
 *   wins, and both carts hold laptop and mouse.
 */
import { formatSet, orAdd, orLiveTags, orMerge, orRemove, orValue, ORSET_EMPTY, TWOP_EMPTY, twoPAdd, twoPMerge, twoPRemove, twoPValue, type ORSet, type TwoPSet } from './sets';
import { Pane, type Lane, type Model, type OutcomeItem, type ReplicaCard, type StrategyScenario } from './model';

const LANES: Lane[] = [
  { id: 'phone', name: 'Phone', note: "the user's phone", color: '#7e22ce' },
  { id: 'browser', name: 'Browser', note: 'a laptop browser', color: '#0f766e' },
];
const DELAY_MS = 150;

type Op = { kind: 'add' | 'remove'; node: string; el: string };

interface Msg {
  author: string;
  op: Op;
  twoP: TwoPSet;
  or: ORSet;
}

interface State {
  list: string[];
  twoP: TwoPSet;
  or: ORSet;
}

const SCRIPT: [number, Op][] = [
  [0, { kind: 'add', node: 'phone', el: 'laptop' }],
  [0, { kind: 'add', node: 'browser', el: 'mouse' }],
  [400, { kind: 'remove', node: 'browser', el: 'laptop' }],
  [400, { kind: 'remove', node: 'phone', el: 'laptop' }],
  [450, { kind: 'add', node: 'phone', el: 'laptop' }],
];

const STRATEGIES = ['naive list', '2P-Set', 'OR-Set'] as const;

class CartModel implements Model {
  readonly pane = new Pane<Msg, Op>('cart', 'Cart', LANES, [{ a: 'phone', b: 'browser', delayMs: DELAY_MS }]);
  readonly panes = [this.pane];
  private readonly state = new Map<string, State>(LANES.map((l) => [l.id, { list: [], twoP: TWOP_EMPTY, or: ORSET_EMPTY }]));
  private tags = 0;

  constructor() {
    this.pane.on((ev) => {
      if (ev.kind === 'local') this.local(ev.action);
      else this.receive(ev.msg.to, ev.msg.payload);
    });
    for (const [at, op] of SCRIPT) this.pane.sim.schedule(at, op.node, op);
  }

  private name = (n: string) => this.pane.lane(n).name;

  private local(op: Op) {
    const s = this.state.get(op.node)!;
    const sign = op.kind === 'add' ? '+' : '−';
    let detail: string;
    if (op.kind === 'add') {
      const tag = `${op.node}:${++this.tags}`;
      s.list = applyListOp(s.list, op);
      const tomb = s.twoP.removed.includes(op.el);
      s.twoP = twoPAdd(s.twoP, op.el);
      s.or = orAdd(s.or, op.el, tag);
      detail = `OR-Set tags it ${tag}` + (tomb ? `; the 2P-Set ignores it: ${op.el} has a tombstone for ever` : '');
    } else {
      const tags = orLiveTags(s.or, op.el);
      s.list = applyListOp(s.list, op);
      s.twoP = twoPRemove(s.twoP, op.el);
      s.or = orRemove(s.or, op.el);
      detail = `2P-Set adds a tombstone; OR-Set removes only the tags it has seen (${tags.join(', ') || 'none'})`;
    }
    this.pane.edit(op.node, `${sign}${op.el}`);
    this.pane.note(op.node, 'created', `${this.name(op.node)}: ${sign}${op.el}. ${detail}.`);
    this.pane.sim.send(op.node, op.node === 'phone' ? 'browser' : 'phone', { author: op.node, op, twoP: s.twoP, or: s.or }, 40, `${sign}${op.el}`);
  }

  private receive(node: string, m: Msg) {
    const s = this.state.get(node)!;
    s.list = applyListOp(s.list, m.op);
    s.twoP = twoPMerge(s.twoP, m.twoP);
    s.or = orMerge(s.or, m.or);
    const sign = m.op.kind === 'add' ? '+' : '−';
    this.pane.note(node, 'applied', `${this.name(node)} gets ${sign}${m.op.el}: list [${s.list.join(', ')}] · 2P ${formatSet(twoPValue(s.twoP))} · OR ${formatSet(orValue(s.or))}.`);
  }

  private valueOf(s: State, k: (typeof STRATEGIES)[number]): string[] {
    if (k === 'naive list') return s.list;
    if (k === '2P-Set') return twoPValue(s.twoP);
    return orValue(s.or);
  }

  replicas(): ReplicaCard[] {
    return LANES.map((l) => {
      const s = this.state.get(l.id)!;
      return {
        id: l.id,
        title: l.name,
        color: l.color,
        rows: [
          { label: 'naive list', value: `[${s.list.join(', ')}]` },
          { label: '2P-Set', value: formatSet(twoPValue(s.twoP)) },
          { label: '', value: `tombstones ${formatSet(s.twoP.removed)}` },
          { label: 'OR-Set', value: formatSet(orValue(s.or)) },
          { label: '', value: `tags ${s.or.adds.map(([e, t]) => `${e}@${t}${s.or.tombstones.includes(t) ? '✗' : ''}`).join(' ')}` },
        ],
      };
    });
  }

  outcomeLabels() {
    return [...STRATEGIES];
  }

  outcomes(): OutcomeItem[] {
    return STRATEGIES.map((k) => {
      const vs = LANES.map((l) => [...this.valueOf(this.state.get(l.id)!, k)].sort());
      const same = vs.every((v) => v.join() === vs[0].join());
      if (!same) {
        return {
          label: k,
          value: 'diverged',
          display: LANES.map((l, i) => `${l.name} ${formatSet(vs[i])}`).join(' ≠ '),
          tone: 'diverged' as const,
          note: 'the devices disagree',
        };
      }
      const lostLaptop = !vs[0].includes('laptop');
      return { label: k, value: vs[0].join(', '), display: formatSet(vs[0]), tone: lostLaptop ? ('lost' as const) : ('ok' as const), note: lostLaptop ? 're-added laptop lost' : 'kept the re-add' };
    });
  }

  verdict(): string | undefined {
    return "The phone re-added the laptop after its remove; the browser's concurrent remove never saw that add. Naive list: the devices diverge. 2P-Set: remove wins for ever, the laptop is gone. OR-Set: add wins — laptop and mouse on both.";
  }

  actions() {
    return [];
  }

  act() {}

  extra() {
    return undefined;
  }
}

/** A plain list with "add if absent" and "remove if present", in arrival order. */
function applyListOp(list: string[], op: Op): string[] {
  if (op.kind === 'add') return list.includes(op.el) ? list : [...list, op.el];
  return list.filter((x) => x !== op.el);
}

export const cartScenario: StrategyScenario = {
  id: 'cart',
  title: 'Cart: list vs 2P-Set vs OR-Set',
  group: 'CRDTs',
  chapter: '§8 Shopping cart',
  caption:
    'The chapter\'s cart: "laptop" added on the phone, "mouse" in the browser — easy, any set merges that. Then both devices remove the laptop, and the phone re-adds it while the browser\'s remove is still on the wire. ' +
    'Watch three replications of the same ops: a naive list applied in arrival order ends different on each device; the 2P-Set\'s tombstone is for ever, so the re-added laptop is lost; ' +
    'the OR-Set\'s re-add carries a new tag that the remove never saw, so add wins: laptop and mouse.',
  params: [],
  defaults: {},
  build: () => new CartModel(),
};
