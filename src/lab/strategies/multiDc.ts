/**
 * multi-dc (§3 Performance, §7 Use case 3): one datacenter per region, one
 * user next to each. The same three writes (one per user, all at t=0) run on
 * two networks side by side. Two comparisons (the `compare` setting):
 *
 * - leaders (default): single-leader — every write goes to the US leader; EU
 *   and Asia are followers — vs multi-leader — every user writes to the local
 *   leader, which acks at once and replicates to the others;
 * - quorum: multi-leader acking after 1 datacenter (its own commit, as above)
 *   vs after 2 datacenters (its own and one other's commit, reported back: what
 *   Concord's REPLICATION_ACKS=2 does). The second costs the round trip to the
 *   nearest other datacenter on every write.
 *
 * A datacenter failure (the `failure` setting): the EU datacenter goes dark at
 * `failAt` ms — its disk is lost and whatever it had not yet delivered never
 * arrives. An acknowledged write that no surviving datacenter holds is lost;
 * a write never acknowledged is still in its user's tab (every tab is a
 * leader with its own copy), which sends it again once it reaches a datacenter.
 *
 * Write latency = until the user gets the ack. Replication lag = from the
 * commit at the accepting leader to the apply at another datacenter.
 */
import { num, Pane, type LatencyExtra, type Lane, type Model, type OutcomeItem, type Params, type ReplicaCard, type StrategyScenario } from './model';
import type { LinkSpec } from '../sim/types';

type Mode = 'single' | 'multi' | 'quorum';
const REGIONS = [
  { dc: 'US', user: 'uUS', name: 'US', city: 'Virginia', color: '#1f6fd1' },
  { dc: 'EU', user: 'uEU', name: 'EU', city: 'Frankfurt', color: '#15803d' },
  { dc: 'AS', user: 'uAS', name: 'Asia', city: 'Tokyo', color: '#c2410c' },
] as const;
const LEADER = 'US';
/** The datacenter that fails, when one does. */
const FAILING = 'EU';

type Msg =
  | { type: 'write'; author: string; id: string; sentAt: number }
  | { type: 'ack'; id: string; to: string }
  | { type: 'replicate'; author: string; id: string; committedAt: number; origin: string }
  /** Quorum: "I have committed `id`", back to the datacenter that accepted it. */
  | { type: 'replicated'; id: string; from: string };

type Action = { id: string } | { fail: string };

export interface Delays {
  localMs: number;
  usEuMs: number;
  usAsiaMs: number;
  euAsiaMs: number;
}

/** What fails, and when (ms); null: nothing fails. */
export type Failure = { dc: string; at: number } | null;

const regionOf = (node: string) => REGIONS.find((r) => r.dc === node || r.user === node)!;

const MODE_LABEL: Record<Mode, string> = {
  single: 'single-leader',
  multi: 'multi-leader',
  quorum: 'ack after 2 DCs',
};
/** In the quorum comparison, multi-leader is "ack after 1 DC". */
const modeLabel = (mode: Mode, compare: Compare) => (compare === 'quorum' && mode === 'multi' ? 'ack after 1 DC' : MODE_LABEL[mode]);

type Compare = 'leaders' | 'quorum';

const PANE_TITLE: Record<Compare, Record<Mode, string>> = {
  leaders: { single: 'Single leader (all writes to US)', multi: 'Multi-leader (one per region)', quorum: '' },
  quorum: { single: '', multi: 'Ack after 1 datacenter (its own commit)', quorum: 'Ack after 2 datacenters (its own + one other)' },
};

class DcPane {
  readonly pane: Pane<Msg, Action>;
  /** ms from a user's write to its ack, by region name. */
  readonly latency = new Map<string, number>();
  /** (write, datacenter) → lag from commit to apply. */
  readonly lags: { write: string; from: string; to: string; ms: number }[] = [];
  readonly applied = new Map<string, string[]>(REGIONS.map((r) => [r.dc, []]));
  /** Quorum: write → datacenters that have confirmed it (besides its own). */
  private readonly confirmations = new Map<string, Set<string>>();
  failed: string | null = null;

  constructor(
    readonly mode: Mode,
    readonly compare: Compare,
    d: Delays,
    failure: Failure,
  ) {
    const lanes: Lane[] = [];
    for (const r of REGIONS) {
      lanes.push({ id: r.user, name: `${r.name} user`, note: r.city, color: r.color });
      lanes.push({ id: r.dc, name: `${r.name} DC`, note: mode !== 'single' || r.dc === LEADER ? 'leader' : 'follower', color: '#111' });
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
    this.pane = new Pane<Msg, Action>(mode, PANE_TITLE[compare][mode], lanes, links);
    this.pane.on((ev) => {
      if (ev.kind === 'local') {
        if ('fail' in ev.action) this.fail(ev.action.fail);
        else this.userWrite(ev.node, ev.action.id);
      } else this.deliver(ev.msg.to, ev.msg.payload);
    });
    for (const r of REGIONS) this.pane.sim.schedule(0, r.user, { id: r.name });
    if (failure) this.pane.sim.schedule(failure.at, failure.dc, { fail: failure.dc });
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

  private fail(dc: string) {
    this.failed = dc;
    this.pane.sim.setOnline(dc, false); // never back: what it had not delivered is gone with it
    this.pane.note(dc, 'applied', `The ${regionOf(dc).name} datacenter fails: its disk is lost, and nothing it had not yet delivered arrives.`);
  }

  private ack(node: string, id: string, author: string) {
    this.pane.sim.send(node, author, { type: 'ack', id, to: author }, 16, 'ack');
  }

  private deliver(node: string, m: Msg) {
    const sim = this.pane.sim;
    switch (m.type) {
      case 'write': {
        this.applied.get(node)!.push(m.id);
        if (this.mode === 'quorum') {
          this.pane.note(node, 'applied', `${regionOf(node).name} leader commits ${m.id}'s write and replicates it; it acks once another datacenter has it too.`);
        } else {
          this.pane.note(node, 'applied', `${regionOf(node).name} leader commits ${m.id}'s write, acks, and replicates it.`);
          this.ack(node, m.id, m.author);
        }
        for (const r of REGIONS) {
          if (r.dc !== node) sim.send(node, r.dc, { type: 'replicate', author: m.author, id: m.id, committedAt: sim.now, origin: node }, 200, m.id);
        }
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
        const from = regionOf(m.origin).name;
        this.lags.push({ write: m.id, from, to: regionOf(node).name, ms });
        this.pane.note(node, 'integrated', `${regionOf(node).name} applies ${m.id}'s write, ${ms} ms after ${from} committed it.`);
        if (this.mode === 'quorum') sim.send(node, m.origin, { type: 'replicated', id: m.id, from: node }, 16, `${m.id} stored`);
        break;
      }
      case 'replicated': {
        const seen = this.confirmations.get(m.id) ?? new Set<string>();
        this.confirmations.set(m.id, seen);
        seen.add(m.from);
        if (seen.size !== 1) break; // one other datacenter is enough: acked already
        const author = REGIONS.find((r) => r.name === m.id)!.user;
        this.pane.note(node, 'acked', `${regionOf(node).name} leader hears ${regionOf(m.from).name} has ${m.id}'s write: two copies, it acks.`);
        this.ack(node, m.id, author);
        break;
      }
    }
  }

  /** Writes acked to their user that no surviving datacenter holds. */
  lostAcked(): string[] {
    return REGIONS.map((r) => r.name).filter((id) => this.latency.has(id) && !this.survivingHolders(id));
  }

  /** Writes never acked and held by no surviving datacenter: only their user's tab has them. */
  onlyInTab(): string[] {
    return REGIONS.map((r) => r.name).filter((id) => !this.latency.has(id) && !this.survivingHolders(id));
  }

  private survivingHolders(id: string): number {
    return REGIONS.filter((r) => r.dc !== this.failed && this.applied.get(r.dc)!.includes(id)).length;
  }
}

class MultiDcModel implements Model {
  readonly left: DcPane;
  readonly right: DcPane;
  readonly panes;

  constructor(
    d: Delays,
    readonly compare: Compare,
    readonly failure: Failure,
  ) {
    const [l, r]: [Mode, Mode] = compare === 'quorum' ? ['multi', 'quorum'] : ['single', 'multi'];
    this.left = new DcPane(l, compare, d, failure);
    this.right = new DcPane(r, compare, d, failure);
    this.panes = [this.left.pane, this.right.pane];
  }

  /** Whether outcomes include what the failure cost (always in the quorum comparison). */
  private get showsLoss(): boolean {
    return this.compare === 'quorum' || this.failure !== null;
  }

  replicas(): ReplicaCard[] {
    if (!this.failure) return [];
    return [this.left, this.right].map((p) => ({
      id: p.mode,
      title: modeLabel(p.mode, this.compare),
      color: '#111',
      rows: [
        { label: 'acked, then lost', value: p.lostAcked().join(', ') || 'none', tone: p.lostAcked().length ? ('lost' as const) : ('ok' as const) },
        { label: 'not acked, kept by the tab', value: p.onlyInTab().join(', ') || 'none' },
      ],
      detail: `The ${regionOf(this.failure!.dc).name} datacenter failed at ${this.failure!.at} ms.`,
    }));
  }

  outcomeLabels() {
    const panes = [this.left, this.right];
    const labels = panes.flatMap((p) => REGIONS.map((r) => label(p.mode, this.compare, r.name)));
    if (this.showsLoss) labels.push(...panes.map((p) => lossLabel(p.mode, this.compare)));
    return labels;
  }

  outcomes(): OutcomeItem[] {
    const panes = [this.left, this.right];
    const items: OutcomeItem[] = panes.flatMap((p) =>
      REGIONS.map((r) => {
        const ms = p.latency.get(r.name);
        return {
          label: label(p.mode, this.compare, r.name),
          value: String(ms ?? 'none'),
          display: ms === undefined ? (p.failed ? 'not acked' : '—') : `${ms} ms`,
          tone: ms !== undefined && ms > 50 ? ('lost' as const) : ('ok' as const),
        };
      }),
    );
    if (this.showsLoss) {
      for (const p of panes) {
        const lost = p.lostAcked();
        items.push({ label: lossLabel(p.mode, this.compare), value: String(lost.length), display: lost.length ? `${lost.length} (${lost.join(', ')})` : '0', tone: lost.length ? 'lost' : 'ok' });
      }
    }
    return items;
  }

  verdict(): string | undefined {
    const l = REGIONS.map((r) => this.left.latency.get(r.name));
    const r = REGIONS.map((x) => this.right.latency.get(x.name));
    const ms = (values: (number | undefined)[]) => values.map((v) => v ?? '—').join(' / ');
    if (this.compare === 'leaders') {
      if (!this.failure && (l.includes(undefined) || r.includes(undefined))) return undefined;
      const base = `US / EU / Asia users wait ${ms(l)} ms with one leader, ${ms(r)} ms with a leader each. The price: other regions see a write only after the replication lag, and concurrent writes can conflict.`;
      return this.failure ? `${base} ${this.failureSentence()}` : base;
    }
    return (
      `Ack after 1 datacenter: users wait ${ms(l)} ms. Ack after 2: ${ms(r)} ms — the round trip to the nearest other datacenter, paid on every write. ` +
      this.failureSentence()
    );
  }

  private failureSentence(): string {
    if (!this.failure) return 'With no failure, both keep every write; choose a datacenter failure to see the difference.';
    const dc = regionOf(this.failure.dc).name;
    const parts = [this.left, this.right].map((p) => {
      const lost = p.lostAcked();
      const kept = p.onlyInTab();
      const name = modeLabel(p.mode, this.compare);
      if (lost.length) return `${name}: ${lost.join(', ')}'s write was acknowledged and is lost`;
      if (kept.length) return `${name}: nothing acknowledged is lost (${kept.join(', ')}'s write was never acked; its tab still has it and sends it again)`;
      return `${name}: nothing is lost`;
    });
    return `When ${dc} fails at ${this.failure.at} ms — ${parts.join('; ')}.`;
  }

  actions() {
    return [];
  }

  act() {}

  extra(): LatencyExtra {
    const lags = [this.left, this.right].flatMap((p) => p.lags.map((l) => ({ mode: modeLabel(p.mode, this.compare), from: l.from, to: l.to, ms: l.ms })));
    return { kind: 'latency', lags, modes: [this.left, this.right].map((p) => modeLabel(p.mode, this.compare)) };
  }
}

const label = (mode: Mode, compare: Compare, region: string) => `${modeLabel(mode, compare)} · ${region} user`;
const lossLabel = (mode: Mode, compare: Compare) => `${modeLabel(mode, compare)} · acked writes lost`;

function failureOf(p: Params): Failure {
  return p.failure === 'EU' ? { dc: FAILING, at: num(p, 'failAt') } : null;
}

export const multiDc: StrategyScenario = {
  id: 'multi-dc',
  title: 'Multi-datacenter latency',
  group: 'Datacenters',
  chapter: '§3 Performance',
  caption:
    'Three regions, one user each, all writing at t = 0. Left: one leader in the US — the EU user\'s write crosses the Atlantic and back (the chapter\'s "~100 ms"), Asia\'s even further. ' +
    'Right: a leader per region acks every user locally in ≈ 10 ms and replicates in the background; the replication lag is the window in which conflicts happen. ' +
    'Compare "ack after 1 vs 2 DCs" (Concord\'s REPLICATION_ACKS) and let the EU datacenter fail: what an early ack costs when a datacenter is lost, and what a safe one costs on every write.',
  params: [
    {
      kind: 'choice',
      key: 'compare',
      label: 'compare',
      options: [
        { value: 'leaders', label: 'single vs multi-leader' },
        { value: 'quorum', label: 'ack after 1 vs 2 DCs' },
      ],
    },
    {
      kind: 'choice',
      key: 'failure',
      label: 'datacenter failure',
      options: [
        { value: 'none', label: 'none' },
        { value: 'EU', label: 'EU fails' },
      ],
    },
    { kind: 'range', key: 'failAt', label: 'EU fails at', min: 5, max: 300, step: 5, unit: 'ms' },
    { kind: 'range', key: 'usEu', label: 'US–EU', min: 10, max: 200, step: 5, unit: 'ms' },
    { kind: 'range', key: 'usAsia', label: 'US–Asia', min: 10, max: 200, step: 5, unit: 'ms' },
    { kind: 'range', key: 'euAsia', label: 'EU–Asia', min: 10, max: 200, step: 5, unit: 'ms' },
  ],
  // One-way delays. US–EU 50 and US–Asia 90 as in the issue; EU–Asia 120 is a typical Frankfurt–Tokyo figure.
  // EU fails at 30 ms: after its user's write was acked locally (10 ms), before its copy reached the US (55 ms).
  defaults: { usEu: 50, usAsia: 90, euAsia: 120, local: 5, compare: 'leaders', failure: 'none', failAt: 30 },
  build: (p) =>
    new MultiDcModel(
      { localMs: num(p, 'local'), usEuMs: num(p, 'usEu'), usAsiaMs: num(p, 'usAsia'), euAsiaMs: num(p, 'euAsia') },
      p.compare === 'quorum' ? 'quorum' : 'leaders',
      failureOf(p),
    ),
};
