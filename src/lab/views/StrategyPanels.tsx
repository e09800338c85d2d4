/**
 * The right-hand panels of a strategy scenario: outcomes (the contract's
 * [data-testid=outcome], one per replica or strategy), the verdict, the
 * teacher's parameters and actions, replica cards, and the git-style and
 * latency panels.
 */
import type { ActionGroup, LatencyExtra, Model, ParamSpec, Params, ReplicaCard } from '../strategies/model';

export function StrategyParams({ specs, params, onChange }: { specs: ParamSpec[]; params: Params; onChange: (key: string, v: number | string) => void }) {
  if (!specs.length) return null;
  return (
    <div className="strategy-params" role="group" aria-label="Scenario settings">
      {specs.map((s) =>
        s.kind === 'range' ? (
          <label key={s.key} className="param">
            <span>{s.label}</span>
            <input
              type="range"
              data-testid={`param-${s.key}`}
              min={s.min}
              max={s.max}
              step={s.step}
              value={Number(params[s.key])}
              onChange={(e) => onChange(s.key, Number(e.target.value))}
            />
            <output>{fmtParam(Number(params[s.key]), s.unit, s.signed)}</output>
          </label>
        ) : (
          <div key={s.key} className="param" role="radiogroup" aria-label={s.label}>
            <span>{s.label}</span>
            {s.options.map((o) => (
              <button
                key={o.value}
                role="radio"
                aria-checked={params[s.key] === o.value}
                data-testid={`param-${s.key}-${o.value}`}
                className={params[s.key] === o.value ? 'seg on' : 'seg'}
                onClick={() => onChange(s.key, o.value)}
              >
                {o.label}
              </button>
            ))}
          </div>
        ),
      )}
    </div>
  );
}

function fmtParam(v: number, unit: string, signed?: boolean): string {
  const n = signed && v > 0 ? `+${v}` : signed && v < 0 ? `−${-v}` : String(v);
  return unit ? `${n} ${unit}` : n;
}

export function Outcomes({ model, done }: { model: Model; done: boolean }) {
  const outs = done ? model.outcomes() : [];
  const labels = model.outcomeLabels();
  return (
    <section className="outcomes" aria-label="Outcome">
      <h2>Outcome</h2>
      <ul className={labels.length > 5 ? 'many three' : labels.length > 4 ? 'many' : undefined}>
        {labels.map((label) => {
          const o = outs.find((x) => x.label === label);
          return (
            <li key={label} className={`outcome-row tone-${o?.tone ?? 'pending'}`}>
              <span className="outcome-label">{label}</span>
              <output data-testid="outcome" data-label={label} data-outcome={o?.value ?? ''} data-state={o ? 'done' : 'running'} aria-live="polite">
                {o ? (o.display ?? o.value) : ''}
              </output>
              {o?.note && <span className="outcome-note">{o.note}</span>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function Verdict({ text }: { text: string | undefined }) {
  if (!text) return null;
  return (
    <p className="verdict" data-testid="verdict">
      {text}
    </p>
  );
}

export function Actions({ groups, onAct }: { groups: ActionGroup[]; onAct: (id: string) => void }) {
  if (!groups.length) return null;
  return (
    <div className="strategy-actions">
      {groups.map((g) => (
        <div key={g.label} className="action-group" role="group" aria-label={g.label}>
          <span>{g.label}</span>
          {g.actions.length <= 4 ? (
            g.actions.map((a) => (
              <button key={a.id} data-testid={`act-${a.id}`} disabled={a.disabled} onClick={() => onAct(a.id)}>
                {a.label}
              </button>
            ))
          ) : (
            <select aria-label={g.label} data-testid={`act-select-${g.label}`} value="" onChange={(e) => e.target.value && onAct(e.target.value)}>
              <option value="">choose…</option>
              {g.actions.map((a) => (
                <option key={a.id} value={a.id} disabled={a.disabled}>
                  {a.label}
                </option>
              ))}
            </select>
          )}
        </div>
      ))}
    </div>
  );
}

export function ReplicaCards({ cards }: { cards: ReplicaCard[] }) {
  if (!cards.length) return null;
  return (
    <div className="replicas strategy-replicas">
      {cards.map((c) => (
        <div key={c.id} className="replica" style={{ borderTopColor: c.color }} data-testid={`replica-${c.id}`}>
          <div className="replica-name" style={{ color: c.color }}>
            {c.title}
          </div>
          {c.rows.map((r, i) => (
            <div key={i} className={`replica-row tone-${r.tone ?? 'plain'}`}>
              {r.label !== undefined && <span className="row-label">{r.label}</span>}
              <span className="row-value">{r.value}</span>
            </div>
          ))}
          {c.detail && <div className="replica-detail">{c.detail}</div>}
        </div>
      ))}
    </div>
  );
}

export function Markers({ title, text }: { title: string; text: string }) {
  return (
    <section className="markers" aria-label={title}>
      <h3>{title}</h3>
      <pre data-testid="conflict-markers">{text}</pre>
    </section>
  );
}

/** Replication lag per pair of regions, per mode (the outcomes hold the write latencies). */
export function LatencyTable({ extra }: { extra: LatencyExtra }) {
  const pairs = new Map<string, { mode: string; from: string; to: string; ms?: number }>();
  for (const l of extra.lags) pairs.set(`${l.mode}|${l.from}|${l.to}`, l);
  return (
    <section className="latency" aria-label="Replication lag">
      <div className="lags">
        {(extra.modes ?? ['single leader', 'multi-leader']).map((m) => (
          <p key={m}>
            <strong>replication lag, {m}:</strong>{' '}
            {[...pairs.values()]
              .filter((l) => l.mode === m)
              .map((l) => `${l.from}→${l.to} ${l.ms} ms`)
              .join(' · ') || '…'}
          </p>
        ))}
      </div>
    </section>
  );
}
