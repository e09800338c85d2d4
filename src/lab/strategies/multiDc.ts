/**
 * multi-dc (§3 Performance, §7 Use case 3): one datacenter per region, one
 * user next to each. The same three writes (one per user, all at t=0) run on
 * two networks side by side:
 * - single-leader: every write goes to the US leader; EU and Asia are followers;
 * - multi-leader: every user writes to the local leader, which replicates to the others.
 * Write latency = until the user gets the ack. Replication lag = from the
 * commit at the accepting leader to the apply at another datacenter.
 */
import { num, Pane, type LatencyExtra, type Lane, type Model, type OutcomeItem, type ReplicaCard, type StrategyScenario } from './model';
import type { LinkSpec } from '../sim/types';

type Mode = 'single' | 'multi';
const REGIONS = [
  { dc: 'US', user: 'uUS', name: 'US', city: 'Virginia', color: '#1f6fd1' },
  { dc: 'EU', user: 'uEU', name: 'EU', city: 'Frankfurt', color: '#15803d' },
  { dc: 'AS', user: 'uAS', name: 'Asia', city: 'Tokyo', color: '#c2410c' },
] as const;
const LEADER = 'US';

type Msg =
  | { type: 'write'; author: string; id: string; sentAt: number }
  | { type: 'ack'; id: string; to: string }
  | { type: 'replicate'; author: string; id: string; committedAt: number };

type Action = { id: string };

export interface Delays {
  localMs: number;
  usEuMs: number;
  usAsiaMs: number;
  euAsiaMs: number;
}

const regionOf = (node: string) => REGIONS.find((r) => r.dc === node || r.user === node)!;

class DcPane {
  readonly pane: Pane<Msg, Action>;
  /** ms from a user's write to its ack, by region name. */
  readonly latency = new Map<string, number>();
  /** (write, datacenter) → lag from commit to apply. */
  readonly lags: { write: string; from: string; to: string; ms: number }[] = [];
  readonly applied = new Map<string, string[]>(REGIONS.map((r) => [r.dc, []]));

  constructor(
    readonly mode: Mode,
    d: Delays,
  ) {
    const lanes: Lane[] = [];
    for (const r of REGIONS) {
      lanes.push({ id: r.user, name: `${r.name} user`, note: r.city, color: r.color });
      lanes.push({ id: r.dc, name: `${r.name} DC`, note: mode === 'multi' || r.dc === LEADER ? 'leader' : 'follower', color: '#111' });
    }
    const dcDelay = (a: string, b: string) => {
      const k = [a, b].sort().join('-');
      return k === 'EU-US' ? d.usEuMs : k === 'AS-US' ? d.usAsiaMs : d.euAsiaMs;
    };
    const links: LinkSpec[] = [
      ...REGIONS.map((r) => ({ a: r.user, b: r.dc, delayMs: d.localMs })),
      { a: 'US', b: 'EU', delayMs: d.usEuMs },
      { a: 'US', b: 'AS', delayMs: d.usAsiaMs },
      { a: 'EU', b: 'AS', delayMs: d.euAsiaMs },
    ];
    if (mode === 'single') {
      for (const r of REGIONS) if (r.dc !== LEADER) links.push({ a: r.user, b: LEADER, delayMs: d.localMs + dcDelay(r.dc, LEADER) });
    }
    this.pane = new Pane<Msg, Action>(mode, mode === 'single' ? 'Single leader (all writes to US)' : 'Multi-leader (one per region)', lanes, links);
    this.pane.on((ev) => {
      if (ev.kind === 'local') this.userWrite(ev.node, ev.action.id);
      else this.deliver(ev.msg.to, ev.msg.payload);
    });
    for (const r of REGIONS) this.pane.sim.schedule(0, r.user, { id: r.name });
  }

  private leaderFor(user: string): string {
    return this.mode === 'single' ? LEADER : regionOf(user).dc;
  }

  private userWrite(user: string, id: string) {
    const to = this.leaderFor(user);
    this.pane.edit(user, `write ${id}`);
    this.pane.note(user, 'created', `${id} user writes; sends it to the ${regionOf(to).name} leader (${this.pane.sim.delay(user, to)} ms away).`);
    this.pane.sim.send(user, to, { type: 'write', author: user, id, sentAt: this.pane.sim.now }, 200, `${id} write`);
  }

  private deliver(node: string, m: Msg) {
    const sim = this.pane.sim;
    switch (m.type) {
      case 'write': {
        this.applied.get(node)!.push(m.id);
        this.pane.note(node, 'applied', `${regionOf(node).name} leader commits ${m.id}'s write, acks, and replicates it.`);
        sim.send(node, m.author, { type: 'ack', id: m.id, to: m.author }, 16, 'ack');
        for (const r of REGIONS) if (r.dc !== node) sim.send(node, r.dc, { type: 'replicate', author: m.author, id: m.id, committedAt: sim.now }, 200, m.id);
        break;
      }
      case 'ack': {
        const ms = sim.now;
        this.latency.set(m.id, ms);
        this.pane.note(node, 'acked', `${m.id} user gets the ack: write latency ${ms} ms.`);
        break;
      }
      case 'replicate': {
        this.applied.get(node)!.push(m.id);
        const ms = sim.now - m.committedAt;
        const from = regionOf(sim.messages.find((x) => x.payload === m)!.from).name;
        this.lags.push({ write: m.id, from, to: regionOf(node).name, ms });
        this.pane.note(node, 'integrated', `${regionOf(node).name} applies ${m.id}'s write, ${ms} ms after ${from} committed it.`);
        break;
      }
    }
  }
}

class MultiDcModel implements Model {
  readonly single: DcPane;
  readonly multi: DcPane;
  readonly panes;

  constructor(d: Delays) {
    this.single = new DcPane('single', d);
    this.multi = new DcPane('multi', d);
    this.panes = [this.single.pane, this.multi.pane];
  }

  replicas(): ReplicaCard[] {
    return [];
  }

  outcomeLabels() {
    return (['single', 'multi'] as const).flatMap((m) => REGIONS.map((r) => label(m, r.name)));
  }

  outcomes(): OutcomeItem[] {
    return [this.single, this.multi].flatMap((p) =>
      REGIONS.map((r) => {
        const ms = p.latency.get(r.name);
        return { label: label(p.mode, r.name), value: String(ms ?? 'none'), display: ms === undefined ? '—' : `${ms} ms`, tone: ms !== undefined && ms > 50 ? ('lost' as const) : ('ok' as const) };
      }),
    );
  }

  verdict(): string | undefined {
    const s = REGIONS.map((r) => this.single.latency.get(r.name));
    const m = REGIONS.map((r) => this.multi.latency.get(r.name));
    if (s.includes(undefined) || m.includes(undefined)) return undefined;
    return `US / EU / Asia users wait ${s.join(' / ')} ms with one leader, ${m.join(' / ')} ms with a leader each. The price: other regions see a write only after the replication lag, and concurrent writes can conflict.`;
  }

  actions() {
    return [];
  }

  act() {}

  extra(): LatencyExtra {
    const lags = [this.single, this.multi].flatMap((p) =>
      p.lags.map((l) => ({ mode: p.mode === 'single' ? 'single leader' : 'multi-leader', from: l.from, to: l.to, ms: l.ms })),
    );
    return { kind: 'latency', lags };
  }
}

const label = (mode: Mode, region: string) => `${mode === 'single' ? 'single-leader' : 'multi-leader'} · ${region} user`;

export const multiDc: StrategyScenario = {
  id: 'multi-dc',
  title: 'Multi-datacenter latency',
  group: 'Datacenters',
  chapter: '§3 Performance',
  caption:
    'Three regions, one user each, all writing at t = 0. Left: one leader in the US — the EU user\'s write crosses the Atlantic and back (the chapter\'s "~100 ms"), Asia\'s even further. ' +
    'Right: a leader per region acks every user locally in ≈ 10 ms and replicates in the background; the replication lag is the window in which conflicts happen.',
  params: [
    { kind: 'range', key: 'usEu', label: 'US–EU', min: 10, max: 200, step: 5, unit: 'ms' },
    { kind: 'range', key: 'usAsia', label: 'US–Asia', min: 10, max: 200, step: 5, unit: 'ms' },
    { kind: 'range', key: 'euAsia', label: 'EU–Asia', min: 10, max: 200, step: 5, unit: 'ms' },
  ],
  // One-way delays. US–EU 50 and US–Asia 90 as in the issue; EU–Asia 120 is a typical Frankfurt–Tokyo figure.
  defaults: { usEu: 50, usAsia: 90, euAsia: 120, local: 5 },
  build: (p) => new MultiDcModel({ localMs: num(p, 'local'), usEuMs: num(p, 'usEu'), usAsiaMs: num(p, 'usAsia'), euAsiaMs: num(p, 'euAsia') }),
};
