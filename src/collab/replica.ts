/**
 * The tab's replica of one document: a Y.Doc that accepts writes at once, kept
 * in IndexedDB, synced through the relay by a y-websocket provider, and the
 * status the UI shows. This tab is a leader: nothing here waits on the network
 * before applying a local edit, and it keeps working with the relay gone.
 */
import type * as decoding from 'lib0/decoding';
import type * as encoding from 'lib0/encoding';
import type { Awareness } from 'y-protocols/awareness';
import { removeAwarenessStates } from 'y-protocols/awareness';
import { IndexeddbPersistence } from 'y-indexeddb';
import { writeRelayUpdatesLater } from './relayUpdatesWrittenLater';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { readSavedBody } from '../protocol/codec';
import { ACKS_QUERY_PARAM, CloseCode, closeCodeIsPermanent, closeCodeReason, MessageType } from '../protocol/constants';
import { shareKeyParams } from './access';
import { isSeeded, seedUpdate } from '../protocol/seed';
import { instrumentedSocketClass } from './instrumentedSocket';
import { sendBigChangesInPieces } from './piecewiseSending';
import { COMPACT_SYNC_PARAMS, readCompactSync } from './compactSync';
import { sendOwnPresenceOnly } from './ownPresenceOnly';
import { SELECTION_STORAGE_ORIGIN } from './origins';
import { SaveTracker, type EditTiming, type SaveState } from './saveTracker';
import { RelayCopies, type RelayCopiesStatus } from './relayCopies';
import { STORED_MESSAGE } from '../protocol/stored';
import { UnloadJournal } from './unloadJournal';
import { UpdateLog } from './updateLog';

/** `refused`: the relay closed with a code after which reconnecting cannot help (see `refusal`). */
export type ConnectionState = 'connecting' | 'connected' | 'offline' | 'refused';

export interface ReplicaStatus {
  connection: ConnectionState;
  save: SaveState;
  /** Local edits the relay has not durably stored yet. */
  pending: number;
  /** True once there is a document to show: from the relay, or from this browser's IndexedDB. */
  loaded: boolean;
  /** The user cut this tab off (the offline switch). */
  switchedOff: boolean;
  /** On which relays this tab's edits are stored, when the relay is in a cluster (relayCopies.ts). */
  copies: RelayCopiesStatus;
  /** Injected one-way delay, ms. */
  delayMs: number;
  /** When the provider retries after losing the relay (Date.now() ms), or null. */
  reconnectAt: number | null;
  /**
   * Why the relay refused this tab, in words, when it closed with a permanent
   * code (closeCodeMeaning): the tab stops reconnecting (it would send the same
   * thing again) and keeps every edit, until the user retries.
   */
  refusal: { code: number; reason: string } | null;
}

export interface Replica {
  readonly room: string;
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  readonly provider: WebsocketProvider;
  readonly log: UpdateLog;
  status(): ReplicaStatus;
  subscribe(listener: () => void): () => void;
  /** Recent local edits with their local-apply and saved-ack times. */
  timings(): readonly EditTiming[];
  /** The relay's stored state vector at its last `saved` ack (empty before the first). */
  relayStateVector(): Map<number, number>;
  /** Marks the moment of a user input event, to time how long it takes to apply locally. */
  markInput(): void;
  /** The offline switch: cuts (or restores) this tab's link to the relay. */
  setSwitchedOff(off: boolean): void;
  setDelay(ms: number): void;
  /** After a refusal: connect again (e.g. once the relay's limits were raised). */
  retry(): void;
  connect(): void;
  destroy(): void;
}

type MessageHandler = (encoder: encoding.Encoder, decoder: decoding.Decoder, provider: WebsocketProvider) => void;

/** Largest injectable one-way delay (the classroom slider's range). */
export const MAX_DELAY_MS = 2_000;

/** The relay's WebSocket base URL for this page (same origin, one port). */
export function relayUrl(location: Location = window.location): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws`;
}

function formatBytes(bytes: number): string {
  return bytes >= 1_000_000 ? `${(bytes / 1_000_000).toFixed(1)} MB` : `${Math.round(bytes / 1_000)} kB`;
}

const SEED_ORIGIN = Symbol('seed');
const JOURNAL_ORIGIN = Symbol('unload-journal');
const switchKey = (room: string) => `concord.offline.${room}`;

export function createReplica(room: string, serverUrl = relayUrl()): Replica {
  const doc = new Y.Doc();
  const listeners = new Set<() => void>();
  const log = new UpdateLog();
  let switchedOff = sessionStorage.getItem(switchKey(room)) === '1';
  let delayMs = 0;
  let reconnectAt: number | null = null;
  let everSynced = false;
  let everFailed = false;
  let lastInputAt: number | null = null;
  let relayStateVector = new Map<number, number>();
  let refusal: ReplicaStatus['refusal'] = null;
  let regrouping = false; // the relay moved this tab to another classroom group (4307): reconnecting at once, not offline
  let largestFrameSent = 0; // on the current socket, to say what a 1009 refused
  let snapshot: ReplicaStatus;

  const emit = () => {
    snapshot = {
      connection: refusal
        ? 'refused'
        : switchedOff || (!provider.synced && !regrouping && (everSynced || everFailed))
          ? 'offline'
          : provider.synced
            ? 'connected'
            : 'connecting',
      save: tracker.state,
      pending: tracker.pending,
      copies: copies.status(tracker),
      loaded: snapshot?.loaded || provider.synced || (local.synced && isSeeded(doc)),
      switchedOff,
      delayMs,
      reconnectAt: switchedOff || provider.synced || refusal ? null : reconnectAt,
      refusal,
    };
    for (const listener of listeners) listener();
  };
  const tracker = new SaveTracker(() => emit());
  const copies = new RelayCopies();

  const provider = new WebsocketProvider(serverUrl, room, doc, {
    connect: false,
    disableBc: true, // tabs talk through the relay only: a same-origin BroadcastChannel would bypass it (and the offline switch)
    // Acks, compact sync (the document arrives as a deflated V2 update: compactSync.ts), the share key of a protected document if any.
    params: { [ACKS_QUERY_PARAM]: '1', ...COMPACT_SYNC_PARAMS, ...shareKeyParams() },
    WebSocketPolyfill: instrumentedSocketClass({
      delayMs: () => delayMs,
      sending: (frame) => {
        largestFrameSent = Math.max(largestFrameSent, frame.length);
        tracker.frameSent(frame);
      },
    }),
  });
  sendBigChangesInPieces(provider); // a paste or an offline backlog of megabytes travels as many small updates
  readCompactSync(provider); // the relay's step 2 arrives as a deflated V2 update (asked for in params above)
  sendOwnPresenceOnly(provider); // peers' presence is not sent back to the relay (ownPresenceOnly.ts)
  (provider.messageHandlers as MessageHandler[])[MessageType.saved] = (_encoder, decoder) => {
    const ack = readSavedBody(decoder);
    relayStateVector = Y.decodeStateVector(ack.stateVector);
    tracker.ackReceived(ack.committedUpdateFrames);
  };
  (provider.messageHandlers as MessageHandler[])[STORED_MESSAGE] = (_encoder, decoder) => {
    copies.received(decoder);
    emit();
  };

  // This browser's copy: the document shows at once on reload, relay or not.
  const local = new IndexeddbPersistence(`concord:${room}`, doc);
  const relayWrites = writeRelayUpdatesLater(local, doc, (origin) => origin === provider); // off a peer's keystroke's path
  const journal = new UnloadJournal(room, doc);
  local.whenSynced.then(() => {
    journal.restore(JOURNAL_ORIGIN); // edits whose IndexedDB write the last page did not finish
    // A brand-new document opened with no relay: use the same deterministic seed the
    // relay would have written, so nothing is duplicated when the two meet.
    if (!isSeeded(doc) && (switchedOff || everFailed)) Y.applyUpdate(doc, seedUpdate(), SEED_ORIGIN);
    emit();
  });

  provider.on('status', ({ status }) => {
    if (status === 'connected') {
      largestFrameSent = 0;
      tracker.socketOpened();
      copies.socketOpened();
    }
    if (status === 'disconnected') tracker.socketClosed();
    emit();
  });
  provider.on('connection-close', (event: CloseEvent | null) => {
    const code = event?.code ?? 1006;
    regrouping = code === CloseCode.regrouped;
    if (!switchedOff && closeCodeIsPermanent(code)) {
      // Reconnecting would meet the same refusal (y-websocket itself retries after 1009): stop, and say why.
      const sent = code === CloseCode.tooBig && largestFrameSent > 0 ? ` The largest message this tab sent was ${formatBytes(largestFrameSent)}.` : '';
      refusal = { code, reason: `${closeCodeReason(code)}${sent} Your edits are kept in this browser.` };
      provider.disconnect();
      emit();
      return;
    }
    // Every closed or failed socket: y-websocket retries after min(2^n × 100 ms,
    // maxBackoffTime), with n bumped right after this event.
    setTimeout(() => {
      reconnectAt = Date.now() + Math.min(2 ** provider.wsUnsuccessfulReconnects * 100, provider.maxBackoffTime);
      emit();
    });
    if (everSynced || switchedOff) return;
    everFailed = true; // never reached the relay: an empty new document may be seeded locally
    if (local.synced && !isSeeded(doc)) Y.applyUpdate(doc, seedUpdate(), SEED_ORIGIN);
    emit();
  });
  provider.on('sync', (synced: boolean) => {
    if (synced) {
      everSynced = true;
      regrouping = false;
    }
    emit();
  });
  // Registered after the provider's own handler, which has already sent the edit if it could.
  doc.on('update', (update: Uint8Array, origin: unknown, _doc: Y.Doc, transaction: Y.Transaction) => {
    if (origin === provider) {
      log.add('in', update, transaction, tracker.pending > 0);
      return;
    }
    if (origin === SEED_ORIGIN) return; // identical to the relay's seed: nothing to save
    if (origin === SELECTION_STORAGE_ORIGIN) return; // a caret position, not the user's work
    if (origin === local || origin === JOURNAL_ORIGIN) {
      // Loaded from this browser: may hold edits made offline before a reload.
      log.add('local-store', update, transaction, false);
      tracker.localEdit(provider.wsconnected);
      return;
    }
    log.add('out', update, transaction, false);
    const localApplyMs = lastInputAt === null ? null : performance.now() - lastInputAt;
    lastInputAt = null;
    tracker.localEdit(provider.wsconnected, localApplyMs !== null && localApplyMs < 1_000 ? localApplyMs : null);
  });

  // Leave others' presence lists at once when the tab goes away.
  const leave = () => {
    journal.flush();
    relayWrites.flush();
    removeAwarenessStates(provider.awareness, [doc.clientID], 'window closed');
  };
  window.addEventListener('pagehide', leave);
  emit();

  return {
    room,
    doc,
    awareness: provider.awareness,
    provider,
    log,
    status: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    timings: () => tracker.timings,
    relayStateVector: () => relayStateVector,
    markInput() {
      lastInputAt = performance.now();
    },
    setSwitchedOff(off) {
      if (off === switchedOff) return;
      switchedOff = off;
      if (off) sessionStorage.setItem(switchKey(room), '1');
      else sessionStorage.removeItem(switchKey(room));
      if (off) provider.disconnect();
      else provider.connect();
      emit();
    },
    retry() {
      refusal = null;
      if (!switchedOff) provider.connect();
      emit();
    },
    setDelay(ms) {
      delayMs = Math.max(0, Math.min(MAX_DELAY_MS, Math.round(ms)));
      emit();
    },
    connect() {
      if (!switchedOff) provider.connect();
    },
    destroy() {
      window.removeEventListener('pagehide', leave);
      journal.destroy();
      provider.destroy();
      void local.destroy();
      doc.destroy();
      listeners.clear();
    },
  };
}
