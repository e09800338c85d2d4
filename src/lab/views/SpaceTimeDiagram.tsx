/**
 * The space-time diagram: one vertical lane per participant, the server in
 * the middle, time flowing down. Each message is an arrow from (sender, sent
 * time) to (receiver, delivery time); messages still in flight are dashed with
 * a dot where they are now. Concurrent edits get a yellow halo; a "T" marks
 * each place an op was transformed.
 */
import { concurrent } from '../sim/simulator';
import type { Message } from '../sim/types';
import { SERVER, type Participant } from '../scenarios/types';
import type { LabSide } from '../side';

const W = 640;
const H = 300;
const TOP = 60;
const BOTTOM = 14;
const CONTROL_COLOR = '#6b7280';
/** Above this many messages, only the arrows of the current moment carry labels. */
const BUSY_MESSAGES = 6;

/** What the diagram reads from a side; strategy scenarios (issue 6) pass their own panes. */
export type DiagramSide = Pick<LabSide, 'sim' | 'trace' | 'edits'> & { name: string };

interface Props {
  side: DiagramSide;
  participants: Participant[];
  serverLabel: string;
  now: number;
  horizon: number;
  /** Lane order; default: users split around the server. Strategy scenarios have no server lane. */
  lanes?: string[];
  /** The small line under a lane's name; default: city and delay to the server. */
  laneNote?: (id: string) => string;
  /** Accessible name; default from the side's name. */
  label?: string;
}

/** Users split around the server so that no arrow crosses a third lane needlessly. */
export function laneOrder(participants: Participant[]): string[] {
  const ids = participants.map((p) => p.id);
  const half = Math.ceil(ids.length / 2);
  return [...ids.slice(0, half), SERVER, ...ids.slice(half)];
}

export function SpaceTimeDiagram({ side, participants, serverLabel, now, horizon, lanes: laneIds, laneNote, label }: Props) {
  const lanes = laneIds ?? laneOrder(participants);
  const x = (node: string) => 70 + (lanes.indexOf(node) * (W - 140)) / Math.max(1, lanes.length - 1);
  const y = (t: number) => TOP + (Math.min(t, horizon) / horizon) * (H - TOP - BOTTOM);
  const colorOf = (node: string) => participants.find((p) => p.id === node)?.color ?? CONTROL_COLOR;
  const byId = new Map(participants.map((p) => [p.id, p]));

  const edits = side.edits.map((e) => ({ ...e, concurrent: side.edits.some((o) => o !== e && concurrent(o.vc, e.vc)) }));
  const transforms = side.trace.filter((t) => t.kind === 'transformed');
  const offline = offlineSpans(side, now);
  const joinAt = (id: string) => side.trace.find((t) => t.node === id && t.kind === 'joined')?.at;

  return (
    <svg className="lab-diagram" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label ?? `Space-time diagram, ${side.name === 'ot' ? 'OT' : 'CRDT'} side`}>
      <defs>
        <marker id={`arrow-${side.name}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" fill="context-stroke" />
        </marker>
      </defs>
      {timeTicks(horizon).map((t) => (
        <g key={t} className="tick">
          <line x1={0} x2={W} y1={y(t)} y2={y(t)} />
          <text x={4} y={y(t) - 3}>{t} ms</text>
        </g>
      ))}
      {lanes.map((id) => {
        const p = byId.get(id);
        const late = p?.late ? joinAt(id) : undefined;
        return (
          <g key={id} className={id === SERVER ? 'lane server' : 'lane'}>
            <text x={x(id)} y={20} textAnchor="middle" className="lane-name" fill={p?.color ?? '#111'}>
              {p ? p.name : serverLabel}
            </text>
            <text x={x(id)} y={34} textAnchor="middle" className="lane-city">
              {laneNote ? laneNote(id) : p ? `${p.city} · ${p.delayMs} ms` : 'EU datacenter'}
            </text>
            {/* A late joiner's lane is dotted until it has the document. */}
            {(!p?.late || late !== undefined) && <line x1={x(id)} x2={x(id)} y1={y(late ?? 0)} y2={H - BOTTOM} stroke={p?.color ?? '#111'} />}
            {p?.late && <line className="not-joined" x1={x(id)} x2={x(id)} y1={TOP} y2={late === undefined ? H - BOTTOM : y(late)} />}
          </g>
        );
      })}
      {offline.map((s, i) => (
        <g key={i} className="offline-span">
          <line x1={x(s.node)} x2={x(s.node)} y1={y(s.from)} y2={y(s.to)} />
          <text x={x(s.node) + 8} y={(y(s.from) + y(s.to)) / 2}>offline</text>
        </g>
      ))}
      {side.sim.messages.map((m) => (
        <Arrow
          key={m.id}
          m={m}
          now={now}
          x={x}
          y={y}
          color={authorOf(m) ? colorOf(authorOf(m)!) : CONTROL_COLOR}
          marker={`url(#arrow-${side.name})`}
          // A busy diagram labels only what moves at this moment; the rest keep a tooltip.
          labelled={side.sim.messages.length <= BUSY_MESSAGES || m.deliveredAt === undefined || m.deliveredAt === now}
        />
      ))}
      {edits.map((e, i) => (
        <g key={i} className="edit">
          {e.concurrent && <circle className="concurrent" cx={x(e.user)} cy={y(e.at)} r={13} />}
          <circle cx={x(e.user)} cy={y(e.at)} r={7} fill={colorOf(e.user)}>
            <title>{`${e.user}: ${e.label}${e.concurrent ? ' (concurrent)' : ''}`}</title>
          </circle>
        </g>
      ))}
      {transforms.map((t, i) => (
        <g key={i} className="transform-mark" transform={`translate(${x(t.node) + 16} ${y(t.at)})`}>
          <rect x={-10} y={-10} width={20} height={20} rx={3} />
          <text y={5} textAnchor="middle">T</text>
          <title>{t.text}</title>
        </g>
      ))}
      <g className="now">
        <line x1={0} x2={W} y1={y(now)} y2={y(now)} />
        <text x={W - 4} y={y(now) - 4} textAnchor="end">now {now} ms</text>
      </g>
    </svg>
  );
}

interface ArrowProps {
  m: Message<unknown>;
  now: number;
  x: (n: string) => number;
  y: (t: number) => number;
  color: string;
  marker: string;
  labelled: boolean;
}

function Arrow({ m, now, x, y, color, marker, labelled }: ArrowProps) {
  const x1 = x(m.from);
  const y1 = y(m.sentAt);
  const held = !Number.isFinite(m.deliverAt);
  const arrived = m.deliveredAt !== undefined;
  const x2 = held ? x1 + (x(m.to) - x1) * 0.25 : x(m.to);
  const y2 = held ? y(Math.max(now, m.sentAt)) : y(arrived ? m.deliveredAt! : m.deliverAt);
  const progress = held || arrived ? 0 : (now - m.sentAt) / Math.max(1, m.deliverAt - m.sentAt);
  const className = arrived ? 'msg' : held ? 'msg held' : 'msg in-flight';
  // Labels sit a third of the way from the sender, so two arrows that cross
  // in the middle (the classic concurrent pair) keep readable labels.
  const lx = x1 + (x2 - x1) * (held ? 0.5 : 0.33);
  const ly = y1 + (y2 - y1) * (held ? 0.5 : 0.33);
  return (
    <g className={className}>
      <line x1={x1} y1={y1} x2={x2} y2={y2} stroke={color} markerEnd={held ? undefined : marker}>
        <title>{`${m.from} → ${m.to}: ${m.label} (${m.bytes} B, sent at ${m.sentAt} ms)`}</title>
      </line>
      {!arrived && !held && <circle cx={x1 + (x2 - x1) * progress} cy={y1 + (y2 - y1) * progress} r={5} fill={color} />}
      {labelled && (
        <text x={lx} y={ly - 5} textAnchor="middle" fill={color}>
          {held ? `${m.label} (held)` : m.label}
        </text>
      )}
    </g>
  );
}

/** The author of an op or update message; acks, joins and snapshots have none. */
function authorOf(m: Message<unknown>): string | undefined {
  const p = m.payload as { author?: unknown };
  return typeof p?.author === 'string' ? p.author : undefined;
}

function offlineSpans(side: DiagramSide, now: number) {
  const spans: { node: string; from: number; to: number }[] = [];
  const open = new Map<string, number>();
  for (const e of side.sim.log) {
    if (e.kind === 'offline') open.set(e.node, e.at);
    if (e.kind === 'online' && open.has(e.node)) {
      spans.push({ node: e.node, from: open.get(e.node)!, to: e.at });
      open.delete(e.node);
    }
  }
  for (const [node, from] of open) spans.push({ node, from, to: now });
  return spans;
}

function timeTicks(horizon: number): number[] {
  const step = [10, 20, 50, 100, 200, 250, 500, 1000, 2000, 5000].find((s) => horizon / s <= 6) ?? 10_000;
  const ticks: number[] = [];
  for (let t = 0; t <= horizon; t += step) ticks.push(t);
  return ticks;
}
