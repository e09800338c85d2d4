/**
 * /lab: without ?scenario=, the index (the chapter's decision matrix). An
 * OT-vs-CRDT scenario: the same script on the same simulated network, OT on
 * the left and a CRDT (Yjs) on the right. A replication scenario (issue 6:
 * strategies, topologies, datacenters) gets StrategyView. Standalone: no
 * relay, everything runs in the page.
 */
import { useMemo } from 'react';
import { allScenarios, DEFAULT_SCENARIO, findScenario } from './scenarios/registry';
import { findStrategyScenario } from './scenarios/strategyScenarios';
import { Controls } from './views/Controls';
import { FreeMode } from './views/FreeMode';
import { ItemInspector } from './views/ItemInspector';
import LabIndex from './views/LabIndex';
import { CrdtReplicas, OtReplicas } from './views/Replicas';
import { ServerLog } from './views/ServerLog';
import { SideColumn } from './views/SideColumn';
import StrategyView from './views/StrategyView';
import { TieRule } from './views/TieRule';
import { useKeyboard } from './views/useKeyboard';
import { useLabRun } from './views/useLabRun';
import './lab.css';
import './views/phoneAndProjector.css';

function scenarioFromUrl() {
  const id = new URLSearchParams(window.location.search).get('scenario');
  return { id, scenario: findScenario(id) ?? findScenario(DEFAULT_SCENARIO)! };
}

export default function LabPage() {
  const id = useMemo(() => new URLSearchParams(window.location.search).get('scenario'), []);
  if (!id) return <LabIndex />;
  const strategy = findStrategyScenario(id);
  if (strategy) return <StrategyView scenario={strategy} />;
  return <OtVsCrdtLab />;
}

function OtVsCrdtLab() {
  const { id, scenario } = useMemo(scenarioFromUrl, []);
  const lab = useLabRun(scenario);
  const { run } = lab;
  useKeyboard(lab.step, lab.reset);
  const participants = scenario.participants;

  return (
    <div className="lab">
      <header className="lab-head">
        <a className="home" href="/">
          Concord
        </a>
        <h1>Lab: OT vs CRDT</h1>
        <nav aria-label="Scenarios" className="scenarios">
          <a href="/lab">All scenarios</a>
          {allScenarios().map((s) => (
            <a key={s.id} href={`/lab?scenario=${s.id}`} aria-current={s.id === scenario.id ? 'page' : undefined}>
              {s.title}
            </a>
          ))}
        </nav>
      </header>
      {id && id !== scenario.id && <p className="notice">No scenario "{id}": showing {scenario.title}.</p>}
      <div className="lab-bar">
        <Controls
          done={run.done}
          interactive={scenario.interactive === true}
          playing={lab.playing}
          flipped={lab.flipped}
          now={run.now}
          steps={run.steps}
          onStep={lab.step}
          onPlay={lab.setPlaying}
          onEnd={lab.toEnd}
          onReset={lab.reset}
          onFlip={lab.setFlipped}
        />
        <p className="caption" data-testid="caption">
          {scenario.caption}
        </p>
        <TieRule participants={participants} ids={run.crdt.ids} flipped={lab.flipped} />
      </div>
      {scenario.interactive && <FreeMode run={run} participants={participants} onAct={lab.act} onDelay={lab.setDelay} />}
      <main className="sides">
        <SideColumn
          run={run}
          side={run.ot}
          title="OT"
          subtitle="the server transforms ops (ot.js-style)"
          serverLabel="Server"
          participants={participants}
          horizon={lab.horizon}
          replicas={<OtReplicas side={run.ot} participants={participants} />}
          details={<ServerLog side={run.ot} participants={participants} />}
        />
        <SideColumn
          run={run}
          side={run.crdt}
          title="CRDT"
          subtitle="Yjs replicas; the relay only forwards"
          serverLabel="Relay"
          participants={participants}
          horizon={lab.horizon}
          replicas={<CrdtReplicas side={run.crdt} participants={participants} />}
          details={<ItemInspector side={run.crdt} participants={participants} />}
        />
      </main>
      <footer className="lab-legend">
        <span>
          <i className="dot" /> an edit
        </span>
        <span>
          <i className="dot concurrent" /> concurrent edit (neither saw the other)
        </span>
        <span>
          <i className="tbadge">T</i> op transformed
        </span>
        <span>solid arrow: delivered · dashed: in flight · grey: ack / sync</span>
      </footer>
    </div>
  );
}
