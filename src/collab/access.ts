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

/**
 * What this page may do in `room`. If the relay cannot be asked (offline), the
 * page opens as an editor of its local copy: the relay still checks the key
 * when the socket connects.
 */
export function useAccess(room: string): AccessState {
  const [access, setAccess] = useState<AccessState>({ state: 'checking' });
  useEffect(() => {
    let current = true;
    setAccess({ state: 'checking' });
    const key = shareKey();
    const query = key ? `?${KEY_QUERY_PARAM}=${encodeURIComponent(key)}` : '';
    fetch(`${Paths.access(room)}${query}`, { cache: 'no-store' })
      .then(async (response) => {
        const answer = (await response.json()) as AccessAnswer;
        if (!current) return;
        if (response.status === 401 || response.status === 403) {
          setAccess({ state: 'denied', status: response.status, message: answer.error ?? 'This document is protected.' });
        } else {
          setAccess({ state: 'granted', role: answer.role ?? Role.editor, protected: answer.protected });
        }
      })
      .catch(() => current && setAccess({ state: 'granted', role: Role.editor, protected: false }));
    return () => {
      current = false;
    };
  }, [room]);
  return access;
}
