/**
 * The topology as a graph: leaders on a circle (the star's hub in the
 * middle), links with their delay, messages on the wire as dots moving along
 * their link, failed leaders and cut links in red. Under it, the counters:
 * messages and propagation time per write.
 */
import type { TopologyExtra } from '../strategies/model';

const W = 420;
const H = 250;
const R = 22;

export function TopologyView({ extra }: { extra: TopologyExtra }) {
  const pos = positions(extra);
  const at = (id: string) => pos.get(id)!;
  return (
    <section className="topology" aria-label="Topology">
      <svg className="topology-graph" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${extra.shape} of ${extra.nodes.length} leaders`}>
        <defs>
          <marker id="topo-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="#6b7280" />
          </marker>
        </defs>
        {extra.links.map((l) => {
          const [a, b] = [at(l.a), at(l.b)];
          const [x1, y1, x2, y2] = trim(a, b);
          return (
            <g key={`${l.a}-${l.b}`} className={l.cut ? 'topo-link cut' : 'topo-link'}>
              <line x1={x1} y1={y1} x2={x2} y2={y2} markerEnd={l.oneWay ? 'url(#topo-arrow)' : undefined} />
              <text x={(a.x + b.x) / 2} y={(a.y + b.y) / 2 - 4} textAnchor="middle">
                {l.cut ? '✂ cut' : `${l.delayMs}`}
              </text>
            </g>
          );
        })}
        {extra.inFlight.map((m, i) => {
          const [a, b] = [at(m.from), at(m.to)];
          const x = a.x + (b.x - a.x) * m.progress;
          const y = a.y + (b.y - a.y) * m.progress;
          return (
            <g key={i} className={m.held ? 'topo-msg held' : 'topo-msg'}>
              <circle cx={x} cy={y} r={13} fill={m.color} />
              <text x={x} y={y + 6} textAnchor="middle">
                {m.label.replace('w', '')}
              </text>
            </g>
          );
        })}
        {extra.nodes.map((n) => {
          const p = at(n.id);
          return (
            <g key={n.id} className={n.down ? 'topo-node down' : 'topo-node'} data-testid={`topo-node-${n.id}`}>
              <circle cx={p.x} cy={p.y} r={n.hub ? R + 4 : R} stroke={n.color} />
              <text x={p.x} y={p.y + 7} textAnchor="middle" className="topo-name" fill={n.down ? '#b91c1c' : n.color}>
                {n.down ? `✗${n.id}` : n.id}
              </text>
              <text x={p.x} y={p.y + R + 16} textAnchor="middle" className="topo-load">
                {n.handled} msgs
              </text>
            </g>
          );
        })}
      </svg>
      <table className="topo-counters" data-testid="topology-counters">
        <thead>
          <tr>
            <th>write</th>
            <th>from</th>
            <th>msgs</th>
            <th>reached</th>
            <th>time</th>
          </tr>
        </thead>
        <tbody>
          {extra.writes.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                no writes yet
              </td>
            </tr>
          )}
          {extra.writes.map((w) => (
            <tr key={w.id} data-testid={`counter-${w.id}`} data-messages={w.messages} data-propagation={w.propagationMs ?? ''}>
              <td title={w.label}>
                <strong>{w.id}</strong>
              </td>
              <td>{w.origin}</td>
              <td>{w.messages}</td>
              <td className={w.reached < w.of ? 'short' : undefined}>
                {w.reached}/{w.of}
              </td>
              <td>{w.propagationMs === undefined ? '—' : `${w.propagationMs} ms`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function positions(extra: TopologyExtra): Map<string, { x: number; y: number }> {
  const cx = W / 2;
  const cy = H / 2 - 8;
  const out = new Map<string, { x: number; y: number }>();
  const ring = extra.nodes.filter((n) => !n.hub);
  for (const n of extra.nodes) if (n.hub) out.set(n.id, { x: cx, y: cy });
  ring.forEach((n, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / ring.length;
    out.set(n.id, { x: cx + Math.cos(angle) * 160, y: cy + Math.sin(angle) * 88 });
  });
  return out;
}

/** A link's line, stopped at the two circles so arrowheads stay visible. */
function trim(a: { x: number; y: number }, b: { x: number; y: number }): [number, number, number, number] {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy) || 1;
  const k = (R + 2) / len;
  return [a.x + dx * k, a.y + dy * k, b.x - dx * k, b.y - dy * k];
}
