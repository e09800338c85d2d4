/**
 * topology-mesh / -star / -ring (§6): the replication topologies of
 * topologies.ts played on the lab's simulator, with the story told as it
 * happens.
 *
 * The script is the classic causality trap: B inserts row 42 (w1); C, as
 * soon as it has the row, updates it (w2). In the mesh the B→last link is
 * slow, so the update can overtake the insert, unless causal delivery holds
 * it back. The teacher can add writes anywhere, fail leaders and cut links.
 */
import { num, Pane, str, type ActionGroup, type Lane, type Model, type OutcomeItem, type ReplicaCard, type StrategyScenario, type TopologyExtra, type WriteStats } from './model';
import { HUB, LEADER_IDS, linksOf, TopologyNetwork, type Shape, type Write } from './topologies';
import { formatVV, type VersionVector } from './versionVector';
import type { LinkSpec } from '../sim/types';

export type { Shape } from './topologies';

const COLORS = ['#0b0f19', '#1f6fd1', '#c2410c', '#15803d', '#7e22ce', '#b45309'];

interface Msg {
  author: string;
  write: Write;
}

type Action = { kind: 'write'; label: string };

export interface TopologyOptions {
  shape: Shape;
  n: number;
  baseDelayMs: number;
  /** Delay of the link from B to the last leader (mesh only). */
  slowDelayMs: number;
  causal: boolean;
  /** 'chapter': B inserts, C updates; 'none': only the teacher's writes. */
  script: 'chapter' | 'none';
}

export class TopologyModel implements Model {
  readonly pane: Pane<Msg, Action>;
  readonly panes: Pane<Msg, Action>[];
  readonly nodes: string[];
  readonly links: LinkSpec[];
  private readonly network: TopologyNetwork;
  private readonly down = new Set<string>();
  private readonly cutLinks = new Set<string>();
  private reacted = false;

  constructor(readonly o: TopologyOptions) {
    this.nodes = LEADER_IDS.slice(0, Math.min(6, Math.max(3, o.n)));
    this.links = linksOf(o.shape, this.nodes, o.baseDelayMs, o.slowDelayMs);
    const sim = () => this.pane.sim;
    this.network = new TopologyNetwork(
      o.shape,
      this.nodes,
      o.causal,
      {
        now: () => sim().now,
        send: (from, to, write) => sim().send(from, to, { author: write.origin, write }, 64, write.id),
      },
      {
        created: (node, w) => {
          this.pane.edit(node, `${w.id}: ${w.label}`);
          this.pane.note(node, 'created', `${node} writes ${w.id} (${w.label})${o.causal ? `, version vector ${this.fmt(w.vv)}` : ''}.`);
        },
        forwarded: (node, w, to) => this.pane.note(node, 'sent', `${node} forwards ${w.id} to ${to.join(', ')}.`),
        held: (node, w, counts) =>
          this.pane.note(node, 'conflict', `${node} holds ${w.id} back: it depends on ${this.fmt(w.vv)}, but ${node} has applied only ${this.fmt(counts)}.`),
        applied: (node, w, { released, overtook }) => {
          if (node !== w.origin) {
            if (overtook) {
              this.pane.note(node, 'lost', `${node} applies ${w.id} (${w.label}) before its cause ${overtook.id} (${overtook.label}) — the update overtook the insert!`);
            } else {
              this.pane.note(node, 'applied', `${node} ${released ? 'releases and applies' : 'applies'} ${w.id} (${w.label}).`);
            }
          }
          // The chapter script's second write: C updates the row once it has it.
          if (o.script === 'chapter' && !this.reacted && node === 'C' && w.id === 'w1') {
            this.reacted = true;
            sim().schedule(sim().now + 10, 'C', { kind: 'write', label: 'update row 42' });
          }
        },
      },
    );
    const lanes: Lane[] = this.nodes.map((id, i) => ({
      id,
      name: `Leader ${id}`,
      note: o.shape === 'star' && id === HUB ? 'hub' : o.shape === 'ring' ? `→ ${this.network.next(id)}` : '',
      color: COLORS[i],
    }));
    this.pane = new Pane<Msg, Action>(o.shape, `${o.shape} of ${this.nodes.length}`, lanes, this.links);
    this.panes = [this.pane];
    this.pane.on((ev) => {
      if (ev.kind === 'local') this.write(ev.node, ev.action.label);
      else this.network.receive(ev.msg.to, ev.msg.from, ev.msg.payload.write);
    });
    if (o.script === 'chapter') this.pane.sim.schedule(0, 'B', { kind: 'write', label: 'insert row 42' });
  }

  get writes(): readonly Write[] {
    return this.network.writes;
  }

  private get leaders() {
    return this.network.leaders;
  }

  private get arrived() {
    return this.network.arrived;
  }

  private write(node: string, label: string) {
    if (this.down.has(node)) return;
    this.network.write(node, label);
  }

  private fmt(v: VersionVector): string {
    return formatVV(v, this.nodes);
  }

  stats(): WriteStats[] {
    const msgs = this.pane.sim.messages;
    return this.writes.map((w) => {
      const got = this.arrived.get(w.id)!;
      const reached = got.size;
      return {
        id: w.id,
        label: w.label,
        origin: w.origin,
        at: w.at,
        messages: msgs.filter((m) => m.payload.write.id === w.id).length,
        reached,
        of: this.nodes.length,
        propagationMs: reached === this.nodes.length ? Math.max(...got.values()) - w.at : undefined,
      };
    });
  }

  replicas(): ReplicaCard[] {
    return this.pane.lanes.map((lane) => {
      const l = this.leaders.get(lane.id)!;
      return {
        id: lane.id,
        title: `${lane.name}${this.o.shape === 'star' && lane.id === HUB ? ' (hub)' : ''}`,
        color: lane.color,
        rows: [
          { value: l.applied.join(' ') || '—', tone: this.down.has(lane.id) ? ('down' as const) : l.anomalies.length ? ('lost' as const) : ('ok' as const) },
          ...(l.held.length ? [{ label: 'held', value: l.held.map((h) => h.id).join(' '), tone: 'conflict' as const }] : []),
        ],
        detail: `${this.down.has(lane.id) ? 'FAILED · ' : ''}${this.handled(lane.id)} msgs handled`,
      };
    });
  }

  /** Messages a leader sent or received: the hub's load shows here. */
  handled(id: string): number {
    return this.pane.sim.messages.filter((m) => m.from === id || (m.to === id && m.deliveredAt !== undefined)).length;
  }

  outcomeLabels() {
    return this.nodes.map((n) => `Leader ${n}`);
  }

  outcomes(): OutcomeItem[] {
    return this.nodes.map((n) => {
      const l = this.leaders.get(n)!;
      const value = l.applied.join(' ') || 'none';
      const down = this.down.has(n);
      return {
        label: `Leader ${n}`,
        value,
        display: l.applied.join(' ') || '—',
        tone: down ? 'down' : l.anomalies.length ? 'lost' : l.applied.length < this.writes.length ? 'conflict' : 'ok',
        note: down ? 'failed' : l.anomalies.length ? `${l.anomalies.join(', ')}!` : l.held.length ? `holding ${l.held.map((h) => h.id).join(' ')}` : l.applied.length < this.writes.length ? 'missing writes' : undefined,
      };
    });
  }

  verdict(): string | undefined {
    const st = this.stats();
    if (!st.length) return 'No writes yet: use "New write at" to make one.';
    const missing = this.nodes.filter((n) => !this.down.has(n) && this.leaders.get(n)!.applied.length + this.leaders.get(n)!.held.length < this.writes.length);
    const bad = this.nodes.filter((n) => this.leaders.get(n)!.anomalies.length);
    const parts: string[] = [];
    if (bad.length) parts.push(`${bad.join(', ')} applied an update before the insert it depends on: it overtook its cause on a faster path. Turn on causal delivery.`);
    if (this.o.causal && this.pane.trace.some((t) => t.kind === 'conflict')) parts.push('Causal delivery held the early update back until its insert arrived: order restored.');
    if (missing.length) {
      const why =
        this.o.shape === 'ring'
          ? 'one broken leader or link stops the ring'
          : this.o.shape === 'star' && (this.down.has(HUB) || [...this.cutLinks].some((k) => k.includes(HUB)))
            ? 'the hub is the single point of failure'
            : 'a leader cut off from the writer never hears of it';
      parts.push(`${missing.join(', ')} never got every write: ${why}.`);
    }
    const full = st.filter((s) => s.propagationMs !== undefined);
    if (!parts.length || this.o.shape === 'mesh') {
      if (this.down.size && this.o.shape === 'mesh' && !missing.length) parts.push('A leader failed, yet every live leader got every write: the mesh survives.');
    }
    if (full.length) parts.push(`Propagation ${full.map((s) => `${s.id} ${s.propagationMs} ms`).join(', ')}; ${(st.reduce((a, s) => a + s.messages, 0) / st.length).toFixed(1)} messages per write.`);
    if (this.o.shape === 'star') parts.push(`Hub ${HUB} handled ${this.handled(HUB)} of ${this.pane.sim.messages.length} messages.`);
    return parts.join(' ');
  }

  actions(): ActionGroup[] {
    const linkId = (l: LinkSpec) => `${l.a}–${l.b}`;
    return [
      { label: 'New write at', actions: this.nodes.map((n) => ({ id: `write:${n}`, label: n, disabled: this.down.has(n) })) },
      { label: 'Fail / recover', actions: this.nodes.map((n) => ({ id: `fail:${n}`, label: this.down.has(n) ? `recover ${n}` : `fail ${n}` })) },
      { label: 'Cut / heal link', actions: this.links.map((l) => ({ id: `cut:${l.a}:${l.b}`, label: this.cutLinks.has(linkId(l)) ? `heal ${linkId(l)}` : `cut ${linkId(l)}` })) },
    ];
  }

  act(id: string) {
    const [kind, a, b] = id.split(':');
    const sim = this.pane.sim;
    if (kind === 'write' && this.nodes.includes(a)) {
      this.write(a, `update by ${a}`);
    } else if (kind === 'fail' && this.nodes.includes(a)) {
      const fail = !this.down.has(a);
      if (fail) this.down.add(a);
      else this.down.delete(a);
      sim.setOnline(a, !fail);
      this.pane.note(a, 'lost', fail ? `Leader ${a} fails: messages to and from it wait.` : `Leader ${a} recovers; waiting messages flow again.`);
    } else if (kind === 'cut' && this.links.some((l) => l.a === a && l.b === b)) {
      const key = `${a}–${b}`;
      const cut = !this.cutLinks.has(key);
      if (cut) {
        this.cutLinks.add(key);
        sim.cut(a, b);
      } else {
        this.cutLinks.delete(key);
        sim.heal(a, b);
      }
      this.pane.note(a, 'lost', cut ? `Link ${key} is cut.` : `Link ${key} is healed.`);
    }
  }

  extra(): TopologyExtra {
    const sim = this.pane.sim;
    const colorOf = (id: string) => COLORS[this.nodes.indexOf(id)];
    return {
      kind: 'topology',
      shape: this.o.shape,
      nodes: this.nodes.map((id) => ({ id, color: colorOf(id), down: this.down.has(id), handled: this.handled(id), hub: this.o.shape === 'star' && id === HUB })),
      links: this.links.map((l) => ({ a: l.a, b: l.b, delayMs: l.delayMs, cut: this.cutLinks.has(`${l.a}–${l.b}`), oneWay: this.o.shape === 'ring' })),
      inFlight: sim.inFlight().map((m) => {
        const held = !Number.isFinite(m.deliverAt);
        return {
          from: m.from,
          to: m.to,
          held,
          progress: held ? 0.15 : Math.min(1, Math.max(0, (sim.now - m.sentAt) / Math.max(1, m.deliverAt - m.sentAt))),
          color: colorOf(m.payload.write.origin),
          label: m.payload.write.id,
        };
      }),
      writes: this.stats(),
    };
  }
}

const CAPTIONS: Record<Shape, string> = {
  mesh:
    'Every leader sends its writes straight to every other: fastest, and no single point of failure — fail any leader and the rest still get everything. ' +
    'But watch the last leader: B inserts row 42 (w1) over a slow link, C updates it (w2) over fast ones, and the update arrives first — it overtook its cause. ' +
    'Turn causal delivery on: each write carries a version vector, and the last leader holds w2 back until w1 is in.',
  star:
    'Leaves send their writes to the hub A, which forwards them to everyone else: every write takes two hops, and every message goes through A (see its load). ' +
    'B inserts row 42 (w1), C updates it (w2). Now fail A (or cut a spoke) before stepping: no leaf hears from any other — the hub is the bottleneck and the single point of failure.',
  ring:
    'Each leader forwards writes to the next one (A → B → C → …) until they come round: few connections and a predictable path, but a write needs n−1 hops. ' +
    'B inserts row 42 (w1), C updates it (w2). Fail C (or cut one link) before stepping and watch propagation stop there: one failure breaks the ring.',
};

function topologyScenario(shape: Shape): StrategyScenario {
  const params: StrategyScenario['params'] = [
    { kind: 'range', key: 'n', label: 'Leaders', min: 3, max: 6, step: 1, unit: '' },
    { kind: 'range', key: 'delay', label: 'Link delay', min: 10, max: 200, step: 10, unit: 'ms' },
  ];
  if (shape === 'mesh') {
    params.push({ kind: 'range', key: 'slow', label: 'Slow link B–last', min: 10, max: 400, step: 10, unit: 'ms' });
    params.push({
      kind: 'choice',
      key: 'causal',
      label: 'Causal delivery',
      options: [
        { value: 'off', label: 'off' },
        { value: 'on', label: 'on (version vectors)' },
      ],
    });
  }
  return {
    id: `topology-${shape}`,
    title: `Topology: ${shape === 'mesh' ? 'all-to-all mesh' : shape}`,
    group: 'Topologies',
    chapter: `§6 ${shape === 'mesh' ? 'Topology 1' : shape === 'star' ? 'Topology 2' : 'Topology 3'}`,
    caption: CAPTIONS[shape],
    params,
    defaults: { n: 4, delay: 40, slow: 150, causal: 'off', script: 'chapter' },
    build: (p) =>
      new TopologyModel({
        shape,
        n: num(p, 'n'),
        baseDelayMs: num(p, 'delay'),
        slowDelayMs: shape === 'mesh' ? num(p, 'slow') : num(p, 'delay'),
        causal: str(p, 'causal') === 'on',
        script: str(p, 'script') === 'none' ? 'none' : 'chapter',
      }),
  };
}

export const topologyMesh = topologyScenario('mesh');
export const topologyStar = topologyScenario('star');
export const topologyRing = topologyScenario('ring');
