/**
 * Share links on the page's side: the key in the page's `?key=` (passed on to
 * the relay's WebSocket), and what it grants, asked of the relay before
 * connecting (`GET /api/docs/<room>/access`), so a page without a valid key
 * can say what is needed instead of showing an empty editor.
 */
import { useEffect, useState } from 'react';
import { KEY_QUERY_PARAM, Paths, Role, type AccessAnswer } from '../protocol/constants';

/** The share key of this page's URL, or null. */
export function shareKey(location: Location = window.location): string | null {
  return new URLSearchParams(location.search).get(KEY_QUERY_PARAM);
}

/** The WebSocket query parameters that carry the share key (none without a key). */
export function shareKeyParams(location: Location = window.location): Record<string, string> {
  const key = shareKey(location);
  return key ? { [KEY_QUERY_PARAM]: key } : {};
}

export type AccessState =
  | { state: 'checking' }
  | { state: 'granted'; role: Role; protected: boolean }
  | { state: 'denied'; status: 401 | 403; message: string };

type Answer = Exclude<AccessState, { state: 'checking' }>;

/** Asks the relay what this page's key grants in `room`; offline (the relay cannot be asked), an editor of the local copy. */
export async function fetchAccess(room: string): Promise<Answer> {
  const key = shareKey();
  const query = key ? `?${KEY_QUERY_PARAM}=${encodeURIComponent(key)}` : '';
  try {
    const response = await fetch(`${Paths.access(room)}${query}`, { cache: 'no-store' });
    const answer = (await response.json()) as AccessAnswer;
    if (response.status === 401 || response.status === 403) {
      return { state: 'denied', status: response.status, message: answer.error ?? 'This document is protected.' };
    }
    return { state: 'granted', role: answer.role ?? Role.editor, protected: answer.protected };
  } catch {
    return { state: 'granted', role: Role.editor, protected: false };
  }
}

/** The check the entry module started before this page's code loaded (earlyStart.ts), and its answer once it came. */
let early: { room: string; answer: Promise<Answer>; settled: Answer | null } | null = null;

/** Starts asking what this page may do in `room`; `useAccess` takes the answer over (once). */
export function startAccessCheck(room: string): Promise<Answer> {
  const started = { room, answer: fetchAccess(room), settled: null as Answer | null };
  early = started;
  void started.answer.then((answer) => (started.settled = answer));
  return started.answer;
}

/** The early check's answer for `room`, or a new check. */
function takeAccessCheck(room: string): Promise<Answer> {
  if (early?.room !== room) return fetchAccess(room);
  const { answer } = early;
  early = null;
  return answer;
}

function sameAccess(a: AccessState, b: AccessState): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * What this page may do in `room`. If the relay cannot be asked (offline), the
 * page opens as an editor of its local copy: the relay still checks the key
 * when the socket connects.
 */
export function useAccess(room: string): AccessState {
  // Asked early (earlyStart.ts) and answered already: the first render has it.
  const [access, setAccess] = useState<AccessState>(() => (early?.room === room ? early.settled : null) ?? { state: 'checking' });
  useEffect(() => {
    let current = true;
    takeAccessCheck(room).then((answer) => current && setAccess((shown) => (sameAccess(shown, answer) ? shown : answer)));
    return () => {
      current = false;
    };
  }, [room]);
  return access;
}
