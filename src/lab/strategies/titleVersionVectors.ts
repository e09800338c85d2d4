/**
 * title-version-vectors (§5, Strategy 2) and title-app-merge (Strategy 4).
 * Every write carries a version vector. A receiver compares it with the
 * vectors of what it holds: a write that has seen them all replaces them; a
 * concurrent one is kept beside them as a sibling (CouchDB style). In
 * app-merge mode the application resolves siblings at once, the same way on
 * every replica, so the merged version is identical everywhere and needs no
 * further round of messages.
 */
import { conflictMarkers, mergeTitles } from './appMerge';
import { Pane, str, type ActionGroup, type Extra, type Model, type OutcomeItem, type ReplicaCard, type StrategyScenario } from './model';
import { joinVV, receive, type Siblings, type Version } from './siblings';
import { ALICE_WRITE, BOB_WRITE, INITIAL_TITLE, q, TITLE_LANES, TITLE_NODES, otherOf, writerOf, type TitleWrite } from './titleCommon';
import { compare, formatVV, increment, type VersionVector } from './versionVector';

interface Msg {
  author: string;
  version: Version<string>;
}

type Mode = 'siblings' | 'app-merge';

const vv = (v: VersionVector) => formatVV(v, TITLE_NODES);
const INITIAL: Version<string> = { value: INITIAL_TITLE, vv: {}, by: 'initial' };
/** The chapter's manual resolution (§5 Strategy 4, git example). */
const HAND_MERGED = 'Q1 Annual Report';

class VersionVectorModel implements Model {
  readonly pane: Pane<Msg, TitleWrite>;
  readonly panes: Pane<Msg, TitleWrite>[];
  private readonly sibs = new Map<string, Siblings<string>>([
    ['A', [INITIAL]],
    ['B', [INITIAL]],
  ]);
  /** The siblings a replica saw at the moment of its conflict (for the git view). */
  private conflict?: { node: string; sibs: Siblings<string> };

  constructor(
    private readonly mode: Mode,
    causal: boolean,
  ) {
    // Bob writes after seeing Alice's write when replication is faster than his second.
    const delay = causal ? 500 : 1500;
    this.pane = new Pane<Msg, TitleWrite>(mode, mode === 'app-merge' ? 'Application merge' : 'Version vectors', TITLE_LANES, [{ a: 'A', b: 'B', delayMs: delay }]);
    this.panes = [this.pane];
    this.pane.on((ev) => {
      if (ev.kind === 'local') this.write(ev.action.node, ev.action.value, ev.action.by);
      else this.receive(ev.msg.to, ev.msg.payload.version);
    });
    this.pane.sim.schedule(ALICE_WRITE.at, 'A', ALICE_WRITE);
    this.pane.sim.schedule(BOB_WRITE.at, 'B', BOB_WRITE);
  }

  private write(node: string, value: string, by: string) {
    const held = this.sibs.get(node)!;
    const version: Version<string> = { value, vv: increment(joinVV(held), node), by };
    this.sibs.set(node, [version]);
    this.pane.edit(node, `${value} ${vv(version.vv)}`);
    const seen = held.length > 1 ? `it has seen all ${held.length} siblings` : `it has seen ${vv(held[0].vv)}`;
    this.pane.note(node, 'created', `${by} writes ${q(value)}: ${this.pane.lane(node).name} bumps its entry, ${vv(version.vv)} (${seen}).`);
    this.pane.sim.send(node, otherOf(node), { author: node, version }, value.length + 12, `${q(value)} ${vv(version.vv)}`);
  }

  private receive(node: string, v: Version<string>) {
    const where = this.pane.lane(node).name;
    const held = this.sibs.get(node)!;
    const { siblings, result } = receive(held, v);
    const mine = held.map((h) => vv(h.vv)).join(' and ');
    switch (result) {
      case 'new':
      case 'replaces':
        this.pane.note(node, 'applied', `${where}: ${vv(v.vv)} has seen ${mine} → ${q(v.value)} replaces it, no conflict.`);
        break;
      case 'concurrent':
        this.pane.note(node, 'conflict', `${where}: ${vv(v.vv)} vs ${mine}: neither has seen the other → conflict! Both kept as siblings.`);
        break;
      case 'stale':
      case 'duplicate':
        this.pane.note(node, 'applied', `${where}: already has ${vv(v.vv)} or newer; nothing to do.`);
        break;
    }
    this.sibs.set(node, siblings);
    if (siblings.length > 1) {
      this.conflict ??= { node, sibs: siblings };
      if (this.mode === 'app-merge') this.autoMerge(node, siblings);
    }
  }

  /** Every replica computes the same merge from the same siblings: same value, same vector. */
  private autoMerge(node: string, siblings: Siblings<string>) {
    const merged: Version<string> = { value: mergeTitles(siblings, ['Alice', 'Bob']), vv: joinVV(siblings), by: 'merge' };
    this.sibs.set(node, [merged]);
    this.pane.note(node, 'applied', `${this.pane.lane(node).name}'s merge rule joins them: ${q(merged.value)} ${vv(merged.vv)}. The other leader computes the same.`);
  }

  replicas(): ReplicaCard[] {
    return TITLE_LANES.map((l) => {
      const s = this.sibs.get(l.id)!;
      return {
        id: l.id,
        title: `${l.name} (${writerOf(l.id)})`,
        color: l.color,
        rows: s.map((v) => ({ label: vv(v.vv), value: q(v.value), tone: s.length > 1 ? ('conflict' as const) : ('ok' as const) })),
        detail: s.length > 1 ? `${s.length} siblings: a user must pick or merge` : v0(s),
      };
    });
  }

  outcomeLabels() {
    return TITLE_LANES.map((l) => l.name);
  }

  outcomes(): OutcomeItem[] {
    return TITLE_LANES.map((l) => {
      const s = this.sibs.get(l.id)!;
      if (s.length > 1) {
        return {
          label: l.name,
          value: s.map((v) => v.value).join(' | '),
          display: s.map((v) => q(v.value)).join(' + '),
          tone: 'conflict',
          note: `${s.length} siblings: ${s.map((v) => vv(v.vv)).join(' ∥ ')}`,
        };
      }
      return { label: l.name, value: s[0].value, display: q(s[0].value), tone: 'ok', note: vv(s[0].vv) };
    });
  }

  verdict(): string | undefined {
    const a = this.sibs.get('A')!;
    if (this.mode === 'app-merge') {
      return this.conflict ? `Conflict detected by the vectors, resolved by the application: ${q(a[0].value)} on both leaders, nothing lost (and nobody chose it).` : undefined;
    }
    if (a.length > 1) return 'Concurrent: [A:1, B:0] and [A:0, B:1] — neither vector is ahead, so both leaders keep both values as siblings until someone picks or merges (use the buttons).';
    if (this.conflict) return `Resolved: the new write's vector has seen both siblings, so it replaces them on both leaders without a new conflict.`;
    if (a[0].by === 'Bob' && compare(a[0].vv, { A: 1 }) === 'after') return "Bob saw Alice's write first: [A:1, B:1] is after [A:1, B:0], so his title replaces hers, no conflict.";
    return undefined;
  }

  actions(): ActionGroup[] {
    if (this.mode !== 'siblings') return [];
    const s = this.sibs.get('A')!;
    const disabled = s.length < 2;
    return [
      {
        label: 'Alice resolves in London',
        actions: [
          { id: 'pick:Q1 Report', label: `keep ${q('Q1 Report')}`, disabled },
          { id: 'pick:Annual Report', label: `keep ${q('Annual Report')}`, disabled },
          { id: `pick:${HAND_MERGED}`, label: `merge: ${q(HAND_MERGED)}`, disabled },
        ],
      },
    ];
  }

  act(id: string) {
    if (!id.startsWith('pick:') || this.sibs.get('A')!.length < 2) return;
    this.write('A', id.slice(5), 'Alice');
  }

  extra(): Extra | undefined {
    if (this.mode !== 'app-merge') return undefined;
    const c = this.conflict;
    if (!c) return { kind: 'markers', title: 'What git would show', text: 'No conflict yet.' };
    const [ours, theirs] = c.sibs;
    const text = conflictMarkers(
      'Title',
      { label: `${ours.by} ${vv(ours.vv)}`, value: ours.value },
      { label: `${theirs.by} ${vv(theirs.vv)}`, value: theirs.value },
    );
    return { kind: 'markers', title: 'The same conflict, git style (a person resolves it by hand)', text };
  }
}

const v0 = (s: Siblings<string>) => (s[0].by === 'initial' ? 'initial value' : `written by ${s[0].by}`);

export const titleVersionVectors: StrategyScenario = {
  id: 'title-version-vectors',
  title: 'Title: version vectors',
  group: 'Conflict resolution',
  chapter: '§5 Strategy 2',
  caption:
    'The same two renames, now carrying version vectors. Watch the labels: Alice\'s write is [A:1, B:0], Bob\'s is [A:0, B:1]. ' +
    'When they meet, neither vector is ahead of the other, so each leader detects a real conflict and keeps both values as siblings, as CouchDB does, until a user picks or merges. ' +
    'Switch Bob to "after seeing Alice\'s": his write becomes [A:1, B:1] and simply replaces hers.',
  params: [
    {
      kind: 'choice',
      key: 'bob',
      label: 'Bob writes',
      options: [
        { value: 'concurrent', label: 'concurrently' },
        { value: 'causal', label: "after seeing Alice's" },
      ],
    },
  ],
  defaults: { bob: 'concurrent' },
  build: (p) => new VersionVectorModel('siblings', str(p, 'bob') === 'causal'),
};

export const titleAppMerge: StrategyScenario = {
  id: 'title-app-merge',
  title: 'Title: application merge',
  group: 'Conflict resolution',
  chapter: '§5 Strategy 4',
  caption:
    'Version vectors detect the conflict; then the application decides. The chapter\'s rule joins both titles, Alice\'s first: "Q1 Report / Annual Report". ' +
    'Both leaders apply the same rule to the same siblings, so they agree without another message. Nothing is lost, but nobody chose that title: ' +
    'compare with the git-style markers, where a person resolves it (the chapter\'s "Q1 Annual Report").',
  params: [],
  defaults: {},
  build: () => new VersionVectorModel('app-merge', false),
};
