/**
 * Loads a document's history from the relay when it is asked for (never when
 * the document opens) and builds every version at once (model.ts), so the
 * slider never waits for the network.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { KEY_QUERY_PARAM } from '../protocol/constants';
import { shareKey } from '../collab/access';
import { HistoryModel } from '../common/history/model';
import { decodeBytes, historyPath, type HistoryError, type HistoryPayload } from '../common/history/wire';

export type HistoryState =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'error'; message: string }
  | { state: 'ready'; payload: HistoryPayload; model: HistoryModel; loadMs: number };

export function historyUrl(room: string, version?: number, format?: string): string {
  const params = new URLSearchParams();
  const key = shareKey();
  if (key) params.set(KEY_QUERY_PARAM, key);
  if (format) params.set('format', format);
  const query = params.toString();
  return `${historyPath(room, version)}${query ? `?${query}` : ''}`;
}

export async function fetchHistory(room: string): Promise<{ payload: HistoryPayload; model: HistoryModel }> {
  const response = await fetch(historyUrl(room), { cache: 'no-store' });
  const body = (await response.json()) as HistoryPayload | HistoryError;
  if (!response.ok || 'error' in body) throw new Error('error' in body ? body.error : `the relay answered ${response.status}`);
  const model = HistoryModel.build(
    body.base ? decodeBytes(body.base) : null,
    body.versions.map((version) => decodeBytes(version.update)),
  );
  return { payload: body, model };
}

/** The history of `room` while `active`; `reload()` fetches it again (after a restore, or when the document moved on). */
export function useDocumentHistory(room: string, active: boolean): HistoryState & { reload: () => void } {
  const [state, setState] = useState<HistoryState>({ state: 'idle' });
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    if (!active) {
      setState({ state: 'idle' });
      return;
    }
    const request = ++latest.current;
    setState((previous) => (previous.state === 'ready' ? previous : { state: 'loading' }));
    const started = performance.now();
    fetchHistory(room).then(
      ({ payload, model }) => {
        if (request === latest.current) setState({ state: 'ready', payload, model, loadMs: performance.now() - started });
      },
      (error: Error) => {
        if (request === latest.current) setState({ state: 'error', message: error.message });
      },
    );
  }, [room, active, generation]);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { ...state, reload };
}
