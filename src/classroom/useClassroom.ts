/** The classroom's state as the relay sees it (polled each second), and the teacher's actions on it. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ClassroomPaths, type ClassroomState, type Group } from '../protocol/classroom';

export type ClassroomLoad =
  | { state: 'loading' }
  | { state: 'ready'; classroom: ClassroomState }
  | { state: 'denied'; status: number; message: string }
  | { state: 'unreachable'; classroom: ClassroomState | null };

const POLL_MS = 1_000;

export function useClassroom(room: string, key: string | null) {
  const [load, setLoad] = useState<ClassroomLoad>({ state: 'loading' });
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const last = useRef<ClassroomState | null>(null);

  const accept = useCallback((classroom: ClassroomState) => {
    last.current = classroom;
    setLoad({ state: 'ready', classroom });
  }, []);

  const refresh = useCallback(async () => {
    if (!key) {
      setLoad({ state: 'denied', status: 401, message: 'This page needs the teacher\'s link, with its key.' });
      return;
    }
    try {
      const response = await fetch(`${ClassroomPaths.state(room)}?key=${encodeURIComponent(key)}`, { cache: 'no-store' });
      const body = await response.json();
      if (response.ok) accept(body as ClassroomState);
      else setLoad({ state: 'denied', status: response.status, message: String(body.error ?? response.statusText) });
    } catch {
      setLoad({ state: 'unreachable', classroom: last.current });
    }
  }, [room, key, accept]);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  const act = useCallback(
    async (path: string, body: Record<string, unknown> = {}) => {
      setBusy(true);
      setActionError(null);
      try {
        const response = await fetch(path, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ key, ...body }),
        });
        const answer = await response.json();
        if (response.ok) accept(answer as ClassroomState);
        else setActionError(String(answer.error ?? response.statusText));
      } catch (error) {
        setActionError(`The relay could not be reached: ${(error as Error).message}`);
      } finally {
        setBusy(false);
      }
    },
    [key, accept],
  );

  return {
    load,
    busy,
    actionError,
    partition: () => act(ClassroomPaths.partition(room)),
    heal: () => act(ClassroomPaths.heal(room)),
    move: (student: string, group: Group) => act(ClassroomPaths.move(room), { student, group }),
  };
}
