/**
 * The shape every strategy scenario (issue 6) shares. A scenario builds a
 * Model from the teacher's parameters: one or more panes, each a Simulator
 * with its own lanes, trace and edits, plus what the views show (replica
 * cards, outcomes, a verdict, an extra panel). A StrategyRun steps every pane
 * on one clock, like LabRun does for OT and CRDT. Nothing here is React.
 */
import { Simulator } from '../sim/simulator';
import type { LinkSpec, NodeId, SimEvent, VectorClock } from '../sim/types';
import type { EditRecord, TraceEntry } from '../side';

export interface Lane {
  id: NodeId;
  name: string;
  /** The line under the name in the diagram. */
  note: string;
  color: string;
}

/** One simulated network with its story: what the space-time diagram draws. */
export class Pane<P, A> {
  readonly sim: Simulator<P, A>;
  readonly trace: TraceEntry[] = [];
  readonly edits: EditRecord[] = [];

  constructor(
    readonly name: string,
    readonly title: string,
    readonly lanes: Lane[],
    links: LinkSpec[],
  ) {
    this.sim = new Simulator<P, A>({ nodes: lanes.map((l) => l.id), links, seed: 1 });
  }

  on(handler: (ev: SimEvent<P, A>) => void) {
    this.sim.setHandler(handler);
  }

  lane(id: NodeId): Lane {
    const l = this.lanes.find((x) => x.id === id);
    if (!l) throw new Error(`no lane ${id}`);
    return l;
  }

  note(node: NodeId, kind: TraceEntry['kind'], text: string) {
    this.trace.push({ at: this.sim.now, node, kind, text });
  }

  /** A user's write: ticks the node's vector clock, so the diagram can mark concurrent writes. */
  edit(node: NodeId, label: string): VectorClock {
    const vc = this.sim.tick(node, label);
    this.edits.push({ at: this.sim.now, user: node, label, vc });
    return vc;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPane = Pane<any, any>;

export type Tone = 'ok' | 'lost' | 'conflict' | 'diverged' | 'down';

export interface ReplicaCard {
  id: string;
  title: string;
  color: string;
  rows: { label?: string; value: string; tone?: Tone }[];
  detail?: string;
}

/** One final result: `value` is exact and machine-readable (data-outcome); `display` is for people. */
export interface OutcomeItem {
  label: string;
  value: string;
  display?: string;
  tone?: Tone;
  note?: string;
}

export interface ActionGroup {
  label: string;
  actions: { id: string; label: string; disabled?: boolean }[];
}

/** Per-write counters of the topology scenarios. */
export interface WriteStats {
  id: string;
  label: string;
  origin: NodeId;
  at: number;
  messages: number;
  reached: number;
  of: number;
  /** ms from the write to the last leader receiving it; undefined until all have it. */
  propagationMs?: number;
}

export interface TopologyExtra {
  kind: 'topology';
  shape: 'mesh' | 'star' | 'ring';
  nodes: { id: NodeId; color: string; down: boolean; handled: number; hub?: boolean }[];
  links: { a: NodeId; b: NodeId; delayMs: number; cut: boolean; oneWay?: boolean }[];
  /** Messages on the wire now: drawn as dots along their link. */
  inFlight: { from: NodeId; to: NodeId; progress: number; held: boolean; color: string; label: string }[];
  writes: WriteStats[];
}

export interface LatencyExtra {
  kind: 'latency';
  lags: { mode: string; from: string; to: string; ms?: number }[];
  /** The panes' modes, in order (each gets a line of lags). */
  modes?: string[];
}

/** Panels that only some scenarios have; the view switches on `kind`. */
export type Extra = { kind: 'markers'; title: string; text: string } | TopologyExtra | LatencyExtra;

export interface Model {
  panes: AnyPane[];
  replicas(): ReplicaCard[];
  /** The labels of the outcomes, shown (empty) while the run is going. */
  outcomeLabels(): string[];
  /** Final outcomes: asked for only when nothing more is due. */
  outcomes(): OutcomeItem[];
  /** One or two sentences on what the finished run shows. */
  verdict(): string | undefined;
  actions(): ActionGroup[];
  /** A teacher's action (from `actions`), taking effect now. Unknown ids are ignored. */
  act(id: string): void;
  extra(): Extra | undefined;
}

export type Params = Readonly<Record<string, number | string>>;

export type ParamSpec =
  | { kind: 'range'; key: string; label: string; min: number; max: number; step: number; unit: string; signed?: boolean }
  | { kind: 'choice'; key: string; label: string; options: { value: string; label: string }[] };

export type ScenarioGroup = 'Conflict resolution' | 'CRDTs' | 'Topologies' | 'Datacenters';

export interface StrategyScenario {
  id: string;
  title: string;
  group: ScenarioGroup;
  /** Where it is in the chapter, e.g. "§5 Strategy 1". */
  chapter: string;
  /** One paragraph: what to watch. */
  caption: string;
  params: ParamSpec[];
  defaults: Params;
  build(params: Params): Model;
}

/** Every pane of a model, stepped on one clock. */
export class StrategyRun {
  now = 0;
  steps = 0;

  constructor(readonly model: Model) {}

  nextTime(): number | undefined {
    const ts = this.model.panes.map((p) => p.sim.nextTime()).filter((t): t is number => t !== undefined);
    return ts.length ? Math.min(...ts) : undefined;
  }

  get done(): boolean {
    return this.nextTime() === undefined;
  }

  /** Processes everything due at the next moment, in every pane. Returns false when done. */
  step(): boolean {
    const t = this.nextTime();
    if (t === undefined) return false;
    for (const p of this.model.panes) {
      while (p.sim.nextTime() === t) p.sim.step();
      p.sim.advanceTo(t);
    }
    this.now = t;
    this.steps++;
    return true;
  }

  runToEnd(maxSteps = 10_000) {
    for (let i = 0; this.step(); i++) if (i >= maxSteps) throw new Error('the run does not end');
  }

  act(id: string) {
    this.model.act(id);
  }

  /** Messages held on a cut link or at a failed node. */
  held(): number {
    return this.model.panes.reduce((n, p) => n + p.sim.inFlight().filter((m) => !Number.isFinite(m.deliverAt)).length, 0);
  }
}

export type HistoryEntry = { type: 'step' } | { type: 'end' } | { type: 'act'; id: string };

/** The page's state is (scenario, params, history); the run is a pure function of it. */
export function replayStrategy(s: StrategyScenario, params: Params, history: readonly HistoryEntry[]): StrategyRun {
  const run = new StrategyRun(s.build({ ...s.defaults, ...params }));
  for (const h of history) {
    if (h.type === 'step') run.step();
    else if (h.type === 'end') run.runToEnd();
    else run.act(h.id);
  }
  return run;
}

export const num = (p: Params, key: string): number => Number(p[key]);
export const str = (p: Params, key: string): string => String(p[key]);
