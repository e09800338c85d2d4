/**
 * The page of one strategy scenario (issue 6): controls and settings, the
 * caption, a space-time diagram per pane with this moment's story, and on the
 * right the outcomes, the verdict, the teacher's actions, the replicas and
 * the scenario's own panel (git markers, topology graph, latency table).
 */
import type { ReactNode } from 'react';
import { STRATEGY_SCENARIOS } from '../scenarios/strategyScenarios';
import type { Participant } from '../scenarios/types';
import type { AnyPane, Extra, StrategyScenario } from '../strategies/model';
import { Controls } from './Controls';
import { SpaceTimeDiagram } from './SpaceTimeDiagram';
import { StepNarration } from './StepNarration';
import { Actions, LatencyTable, Markers, Outcomes, ReplicaCards, StrategyParams, Verdict } from './StrategyPanels';
import { TopologyView } from './TopologyView';
import { useKeyboard } from './useKeyboard';
import { useStrategyRun } from './useStrategyRun';
import './StrategyView.css';

interface PaneProps {
  pane: AnyPane;
  now: number;
  horizon: number;
  started: boolean;
  titled: boolean;
  verdict?: ReactNode;
}

function PaneDiagram({ pane, now, horizon, started, titled, verdict }: PaneProps) {
  const participants: Participant[] = pane.lanes.map((l) => ({ id: l.id, name: l.name, city: l.note, delayMs: 0, clientId: 0, color: l.color }));
  return (
    <div className="pane">
      {titled && <h2 className="pane-title">{pane.title}</h2>}
      <SpaceTimeDiagram
        side={pane}
        participants={participants}
        serverLabel=""
        now={now}
        horizon={horizon}
        lanes={pane.lanes.map((l) => l.id)}
        laneNote={(id) => pane.lane(id).note}
        label={`Space-time diagram: ${pane.title}`}
      />
      <StepNarration side={pane} now={now} started={started} />
      {verdict}
    </div>
  );
}

function ExtraPanel({ extra, where }: { extra: Extra | undefined; where: 'top' | 'bottom' }) {
  if (!extra) return null;
  switch (extra.kind) {
    case 'topology':
      return where === 'top' ? <TopologyView extra={extra} /> : null;
    case 'markers':
      return where === 'bottom' ? <Markers title={extra.title} text={extra.text} /> : null;
    case 'latency':
      return where === 'top' ? <LatencyTable extra={extra} /> : null;
  }
}

/** A scenario's name on its tab: its title without the group's prefix ("Title: last write wins" → "Last write wins"). */
export function tabName(title: string): string {
  const name = title.replace(/^[^:]+:\s*/, '');
  return name.charAt(0).toUpperCase() + name.slice(1);
}

export default function StrategyView({ scenario }: { scenario: StrategyScenario }) {
  const lab = useStrategyRun(scenario);
  const { run } = lab;
  useKeyboard(lab.step, lab.reset);
  const model = run.model;
  const done = run.done;
  const extra = model.extra();
  const twoPanes = model.panes.length > 1;
  const siblings = STRATEGY_SCENARIOS.filter((s) => s.group === scenario.group);

  return (
    <div className={`lab strategy${twoPanes ? ' two-panes' : ''}`} data-scenario={scenario.id}>
      <header className="lab-head">
        <a className="home" href="/">
          Concord
        </a>
        <h1>
          Lab: {scenario.title} <span className="chapter-ref">{scenario.chapter}</span>
        </h1>
        <nav aria-label="Scenarios" className="scenarios">
          <a href="/lab">All scenarios</a>
          {siblings.map((s) => (
            <a key={s.id} href={`/lab?scenario=${s.id}`} aria-current={s.id === scenario.id ? 'page' : undefined} data-scenario-id={s.id}>
              {tabName(s.title)}
            </a>
          ))}
        </nav>
      </header>
      <div className="lab-bar">
        <div className="strategy-bar">
          <Controls done={done} playing={lab.playing} now={run.now} steps={run.steps} onStep={lab.step} onPlay={lab.setPlaying} onEnd={lab.toEnd} onReset={lab.reset} />
          <StrategyParams specs={scenario.params} params={lab.params} onChange={lab.setParam} />
        </div>
        <p className="caption" data-testid="caption">
          {scenario.caption}
        </p>
      </div>
      <main className="strategy-main">
        <section className="strategy-panes">
          {model.panes.map((p) => (
            <PaneDiagram
              key={p.name}
              pane={p}
              now={run.now}
              horizon={lab.horizon}
              started={run.steps > 0}
              titled={twoPanes}
              // One pane: the verdict sits under its story, where the eye already is.
              verdict={!twoPanes && done ? <Verdict text={model.verdict()} /> : undefined}
            />
          ))}
        </section>
        <aside className="strategy-side">
          <Outcomes model={model} done={done} />
          <div className="side-top">
            {twoPanes && done && <Verdict text={model.verdict()} />}
            <Actions groups={model.actions()} onAct={lab.act} />
            <ExtraPanel extra={extra} where="top" />
          </div>
          <ReplicaCards cards={model.replicas()} />
          <ExtraPanel extra={extra} where="bottom" />
        </aside>
      </main>
    </div>
  );
}
