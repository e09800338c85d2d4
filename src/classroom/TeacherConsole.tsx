/**
 * `/teach/<room>?key=<teacher key>`: the teacher's console of a classroom.
 * The student link and its QR code for the projector, the connected students
 * and their groups, Partition and Heal, the live document (one view for the
 * whole class, or one per datacenter while partitioned), and after a heal what
 * each group wrote while apart. Every action is checked by the relay against
 * the teacher key; without the right key this page shows no controls at all.
 */
import { useEffect, useState } from 'react';
import { GROUPS, otherGroup, type ClassroomState, type Group, type HealReport } from '../protocol/classroom';
import { CopyButton } from '../share/CopyField';
import { QrCode } from '../share/QrCode';
import { LiveDocument } from './LiveDocument';
import { useClassroom } from './useClassroom';
import './classroom.css';
import '../share/share.css';

function teacherKeyFromUrl(): string | null {
  return new URLSearchParams(window.location.search).get('key');
}

function since(ms: number | null): string {
  if (ms === null) return '';
  const seconds = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

export default function TeacherConsole({ room }: { room: string }) {
  const key = teacherKeyFromUrl();
  const classroom = useClassroom(room, key);
  const { load } = classroom;
  useEffect(() => {
    document.title = 'Classroom — Concord';
  }, []);

  if (load.state === 'loading') return <p className="loading">Opening the classroom…</p>;
  if (load.state === 'denied') {
    return (
      <main className="page narrow teacher-denied" data-testid="teacher-denied" data-status={load.status}>
        <h1>{load.status === 404 ? 'No such classroom' : "This is the teacher's console"}</h1>
        <p>
          {load.status === 404
            ? 'There is no classroom here.'
            : 'Only the teacher can partition and heal this class: open the console with the teacher link (it carries the teacher key).'}{' '}
          {load.message}
        </p>
        <p>
          Are you a student? <a href={`/d/${room}`}>Open the class document</a>.
        </p>
      </main>
    );
  }
  const state = load.classroom;
  if (!state) return <p className="loading">The relay is unreachable; retrying…</p>;
  return <Console room={room} teacherKey={key!} state={state} unreachable={load.state === 'unreachable'} classroom={classroom} />;
}

function Console({
  room,
  teacherKey,
  state,
  unreachable,
  classroom,
}: {
  room: string;
  teacherKey: string;
  state: ClassroomState;
  unreachable: boolean;
  classroom: ReturnType<typeof useClassroom>;
}) {
  const [bigQr, setBigQr] = useState(false);
  const [, tick] = useState(0);
  useEffect(() => {
    if (!state.partitioned) return;
    const timer = setInterval(() => tick((n) => n + 1), 1_000);
    return () => clearInterval(timer);
  }, [state.partitioned]);
  const inGroup = (group: Group) => state.students.filter((s) => s.group === group);

  return (
    <div className="teacher-console" data-testid="teacher-console">
      <header className="console-header">
        <a className="brand" href="/" title="Start page">
          Concord
        </a>
        <h1>Classroom</h1>
        <span
          className={`class-status ${state.partitioned ? 'partitioned' : 'whole'}`}
          data-testid="classroom-status"
          data-partitioned={state.partitioned ? 'true' : 'false'}
        >
          {state.partitioned
            ? `Partitioned for ${since(state.partitionedAt)}: two datacenters, two leaders`
            : 'Whole class: one leader, everyone sees everyone'}
        </span>
        {unreachable && (
          <span className="badge offline" role="status">
            relay unreachable
          </span>
        )}
      </header>

      <div className="console-grid">
        <section className="console-card join-card" aria-labelledby="join-heading">
          <h2 id="join-heading">Students join here</h2>
          <div className="join-body">
            <QrCode text={state.studentUrl} size={260} label="QR code of the student link" />
            <div className="join-link">
              <p className="student-link" data-testid="student-link">
                {state.studentUrl}
              </p>
              <div className="join-actions">
                <CopyButton text={state.studentUrl} testId="copy-student-link" />
                <button type="button" className="console-button" data-testid="qr-fullscreen" onClick={() => setBigQr(true)}>
                  QR code full screen
                </button>
              </div>
              {state.link.warning && (
                <p className="link-warning" data-testid="link-warning" role="note">
                  {state.link.warning}
                </p>
              )}
            </div>
          </div>
        </section>

        <section className="console-card control-card" aria-labelledby="control-heading">
          <h2 id="control-heading">Network</h2>
          <p className="control-explanation">
            <strong>Partition</strong> splits the connected students into datacenter A and datacenter B, alternating in the
            order they joined (latecomers go to the smaller group). Each datacenter gets its own leader on the relay: both keep
            accepting writes, and neither sees the other. <strong>Heal</strong> replicates the two leaders into one again:
            the CRDT merges every write of both sides.
          </p>
          <div className="control-buttons">
            <button
              type="button"
              className="console-button partition-button"
              data-testid="partition"
              disabled={state.partitioned || classroom.busy}
              onClick={() => void classroom.partition()}
            >
              Partition the class
            </button>
            <button
              type="button"
              className="console-button heal-button"
              data-testid="heal"
              disabled={!state.partitioned || classroom.busy}
              onClick={() => void classroom.heal()}
            >
              Heal the partition
            </button>
          </div>
          {classroom.actionError && (
            <p className="action-error" role="alert" data-testid="action-error">
              {classroom.actionError}
            </p>
          )}
        </section>

        <section className="console-card students-card" aria-labelledby="students-heading">
          <h2 id="students-heading">
            Students <span className="count">({state.students.length})</span>
          </h2>
          {state.partitioned && (
            <p className="group-counts">
              {GROUPS.map((g) => (
                <span key={g} className={`group-tag group-${g.toLowerCase()}`}>
                  Datacenter {g}: {inGroup(g).length}
                </span>
              ))}
            </p>
          )}
          {state.students.length === 0 ? (
            <p className="muted">Nobody has joined yet: show them the link or the QR code.</p>
          ) : (
            <ul className="student-list" data-testid="students">
              {state.students.map((student) => (
                <li key={student.id} data-testid="student" data-student-id={student.id} data-group={student.group ?? ''}>
                  <span className="colour-dot" style={{ backgroundColor: student.color }} aria-hidden />
                  <span className="student-name">{student.name || 'Joining…'}</span>
                  {student.group && <span className={`group-tag group-${student.group.toLowerCase()}`}>{student.group}</span>}
                  {student.group && (
                    <button
                      type="button"
                      className="move-button"
                      data-testid="move-student"
                      disabled={classroom.busy}
                      title="Their tab takes what it has seen along: a client that changes datacenter brings its copy"
                      onClick={() => void classroom.move(student.id, otherGroup(student.group!))}
                    >
                      Move to {otherGroup(student.group)}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      <section className="console-documents" aria-labelledby="documents-heading">
        <h2 id="documents-heading">{state.partitioned ? 'What each datacenter sees' : 'The document'}</h2>
        <div className={`documents ${state.partitioned ? 'split' : ''}`}>
          {state.partitioned ? (
            GROUPS.map((g) => (
              <LiveDocument key={`${state.epoch}${g}`} room={room} teacherKey={teacherKey} group={g} heading={`Datacenter ${g} (${inGroup(g).length} student${inGroup(g).length === 1 ? '' : 's'})`} />
            ))
          ) : (
            <LiveDocument key="whole" room={room} teacherKey={teacherKey} group={null} heading="Everyone" />
          )}
        </div>
      </section>

      {state.lastHeal && !state.partitioned && <HealReportView report={state.lastHeal} />}

      {bigQr && (
        <div className="qr-overlay" role="dialog" aria-label="Student link QR code" data-testid="qr-overlay" onClick={() => setBigQr(false)}>
          <QrCode text={state.studentUrl} size={Math.floor(Math.min(window.innerWidth, window.innerHeight) * 0.8)} testId="share-qr-big" />
          <p className="qr-overlay-link">{state.studentUrl}</p>
          <button type="button" className="console-button" onClick={() => setBigQr(false)}>
            Close
          </button>
        </div>
      )}
    </div>
  );
}

function HealReportView({ report }: { report: HealReport }) {
  const minutes = Math.max(1, Math.round((report.healedAt - report.partitionedAt) / 60_000));
  return (
    <section className="heal-report" data-testid="heal-report" aria-labelledby="heal-heading">
      <h2 id="heal-heading">What each datacenter wrote while apart</h2>
      <p className="muted">
        Partition {report.epoch}, about {minutes} min. Healing merged both leaders' writes: nothing was lost, and where both
        wrote at the same place the CRDT ordered the writes the same way for everyone.
      </p>
      <div className="documents split">
        {report.groups.map((group) => (
          <div key={group.group} className={`group-writes group-${group.group.toLowerCase()}`} data-testid="group-writes" data-group={group.group}>
            <h3>Datacenter {group.group}</h3>
            <p className="muted">{group.students.length > 0 ? group.students.join(', ') : 'nobody connected at the heal'}</p>
            <p>
              <strong>{group.insertedChars}</strong> characters written, <strong>{group.deletedChars}</strong> deleted
            </p>
            {group.inserted.length > 0 ? (
              <ul className="writes">
                {group.inserted.map((run, i) => (
                  <li key={i} data-testid="group-write">
                    {run}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">Nothing new from this datacenter.</p>
            )}
          </div>
        ))}
      </div>
    </section>
  );
}
