/**
 * The tab's replica of one document: a Y.Doc that accepts writes at once, a
 * y-websocket provider that syncs it through the relay, and the status the UI
 * shows (connection, saving/saved). This tab is a leader: nothing here waits on
 * the network before applying a local edit.
 */
import type * as decoding from 'lib0/decoding';
import type * as encoding from 'lib0/encoding';
import type { Awareness } from 'y-protocols/awareness';
import { removeAwarenessStates } from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { readSavedBody } from '../protocol/codec';
import { ACKS_QUERY_PARAM, MessageType } from '../protocol/constants';
import { SaveTracker, type SaveState } from './saveTracker';

export type ConnectionState = 'connecting' | 'connected' | 'offline';

export interface ReplicaStatus {
  connection: ConnectionState;
  save: SaveState;
  /** Update frames (or offline edit batches) the relay has not acked yet. */
  pending: number;
  /** True once the document content is available (first sync with the relay). */
  loaded: boolean;
}

export interface Replica {
  readonly room: string;
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  readonly provider: WebsocketProvider;
  status(): ReplicaStatus;
  subscribe(listener: () => void): () => void;
  connect(): void;
  disconnect(): void;
  destroy(): void;
}

type MessageHandler = (encoder: encoding.Encoder, decoder: decoding.Decoder, provider: WebsocketProvider) => void;

/** The relay's WebSocket base URL for this page (same origin, one port). */
export function relayUrl(location: Location = window.location): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws`;
}

export function createReplica(room: string, serverUrl = relayUrl()): Replica {
  const doc = new Y.Doc();
  const listeners = new Set<() => void>();
  let snapshot: ReplicaStatus = { connection: 'connecting', save: 'saved', pending: 0, loaded: false };
  let everConnected = false;

  const emit = () => {
    snapshot = {
      connection: provider.synced ? 'connected' : everConnected ? 'offline' : 'connecting',
      save: tracker.state,
      pending: tracker.pending,
      loaded: snapshot.loaded || provider.synced,
    };
    for (const listener of listeners) listener();
  };
  const tracker = new SaveTracker(() => emit());

  // The provider constructs its sockets from this class, so every frame it
  // sends passes the save tracker (which counts update frames).
  class TrackedWebSocket extends WebSocket {
    send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      if (data instanceof Uint8Array) tracker.frameSent(data);
      else if (data instanceof ArrayBuffer) tracker.frameSent(new Uint8Array(data));
      super.send(data);
    }
  }

  const provider = new WebsocketProvider(serverUrl, room, doc, {
    connect: false,
    disableBc: true, // tabs talk through the relay only (DESIGN.md §4)
    params: { [ACKS_QUERY_PARAM]: '1' },
    WebSocketPolyfill: TrackedWebSocket,
  });
  (provider.messageHandlers as MessageHandler[])[MessageType.saved] = (_encoder, decoder) => {
    tracker.ackReceived(readSavedBody(decoder).committedUpdateFrames);
  };

  provider.on('status', ({ status }) => {
    if (status === 'connected') tracker.socketOpened();
    if (status === 'disconnected') tracker.socketClosed();
    emit();
  });
  provider.on('sync', (synced: boolean) => {
    if (synced) everConnected = true;
    emit();
  });
  // Registered after the provider's own handler, which has already sent the edit if it could.
  doc.on('update', (_update: Uint8Array, origin: unknown) => {
    if (origin !== provider) tracker.localEdit(provider.wsconnected);
  });

  // Leave others' presence lists at once when the tab goes away.
  const leave = () => removeAwarenessStates(provider.awareness, [doc.clientID], 'window closed');
  window.addEventListener('pagehide', leave);

  return {
    room,
    doc,
    awareness: provider.awareness,
    provider,
    status: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    connect: () => provider.connect(),
    disconnect: () => provider.disconnect(),
    destroy() {
      window.removeEventListener('pagehide', leave);
      provider.destroy();
      doc.destroy();
      listeners.clear();
    },
  };
}
