/** The start page's "New classroom": asks the relay for a classroom and opens its teacher console. */
import { useState } from 'react';
import { ClassroomPaths, type CreatedClassroom } from '../protocol/classroom';
import { rememberClassroom } from './myClassrooms';

export function NewClassroomButton() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      const response = await fetch(ClassroomPaths.create, { method: 'POST' });
      if (response.status !== 201) throw new Error(`the relay answered ${response.status}`);
      const created = (await response.json()) as CreatedClassroom;
      rememberClassroom({ room: created.room, teacherUrl: created.teacherUrl, createdAt: Date.now() });
      window.location.assign(created.teacherUrl);
    } catch (e) {
      setError(`Could not start a classroom: ${(e as Error).message}`);
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="secondary-button" data-testid="new-classroom" disabled={busy} onClick={create}>
        New classroom
      </button>
      {error && (
        <p className="share-links error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
