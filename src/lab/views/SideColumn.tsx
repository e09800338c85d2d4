/** One side of the lab (OT or CRDT): result, diagram, this moment's story, replicas, costs. */
import type { ReactNode } from 'react';
import type { LabRun } from '../run';
import type { Participant } from '../scenarios/types';
import type { LabSide } from '../side';
import { Costs } from './Costs';
import { ResultPanel } from './ResultPanel';
import { SpaceTimeDiagram } from './SpaceTimeDiagram';
import { StepNarration } from './StepNarration';

interface Props {
  run: LabRun;
  side: LabSide;
  title: string;
  subtitle: string;
  serverLabel: string;
  participants: Participant[];
  horizon: number;
  replicas: ReactNode;
  details: ReactNode;
}

export function SideColumn({ run, side, title, subtitle, serverLabel, participants, horizon, replicas, details }: Props) {
  return (
    <section className={`side side-${side.name}`} aria-label={title}>
      <header className="side-head">
        <div>
          <h2>{title}</h2>
          <p className="subtitle">{subtitle}</p>
        </div>
        <ResultPanel side={side.name} outcome={run.outcome(side)} />
      </header>
      <SpaceTimeDiagram side={side} participants={participants} serverLabel={serverLabel} now={run.now} horizon={horizon} />
      <StepNarration side={side} now={run.now} started={run.steps > 0} />
      {replicas}
      <Costs costs={side.costs()} />
      {details}
    </section>
  );
}
