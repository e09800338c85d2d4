/**
 * Catch-up of EVERY document, not only the loaded ones: a relay that joins
 * late, was down, or lost its link to Redis asks each peer for its documents
 * directory (documentsDirectory.ts) from the cursor it reached last time, and
 * compares each listed document with that peer by state vector and
 * delete-set digest (a syncRequest of reason `directory`, always answered).
 * What it lacks arrives in the answer and is stored; what the peer lacks is
 * sent back. Once every document of a page is compared and what came is
 * committed, the cursor moves past the page.
 *
 * Bounded work: at most CLUSTER_CATCHUP_DOCS_PER_S documents per second are
 * compared (a token bucket shared by all peers), at most MAX_IN_FLIGHT at
 * once, so a relay coming back after an hour, or a new relay facing 100,000
 * documents, keeps serving its clients while it catches up. A document a
 * client opens meanwhile does not wait: loading it starts its own catch-up.
 */
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { DocumentsDirectory } from './documentsDirectory';

export interface CatchUpHooks {
  requestPage(peer: string, since: number, limit: number): void;
  /** Sends a `directory` syncRequest for `room` to `peer` (the answer comes to `replied`). */
  compare(peer: string, room: string): void;
  /** Commits everything received so far; false if storage failed. */
  flushStorage(): boolean;
}

interface Session {
  peer: string;
  store: string;
  /** The page being worked on starts after this change number. */
  since: number;
  pageRequestedAt: number;
  /** Entries of the page still to compare, and those compared but not answered. */
  queue: Array<[room: string, change: number]>;
  inFlight: Map<string, number>;
  /** The page's last change number, once it arrived. */
  pageEnd: number | null;
  more: boolean;
  failed: boolean;
  /** Another pull was asked for while this one ran: start again when it ends. */
  again: boolean;
}

export const DIRECTORY_PAGE_SIZE = 200;
const MAX_IN_FLIGHT = 16;
const ANSWER_TIMEOUT_MS = 15_000;
const TICK_MS = 50;

export class DirectoryCatchUp {
  private readonly sessions = new Map<string, Session>();
  private tokens: number;
  private lastRefill = Date.now();
  private readonly ticker: NodeJS.Timeout;

  constructor(
    private readonly directory: DocumentsDirectory,
    private readonly docsPerSecond: number,
    private readonly hooks: CatchUpHooks,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    this.tokens = Math.min(docsPerSecond, MAX_IN_FLIGHT);
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    this.ticker.unref();
  }

  /** Documents waiting to be compared (queued or in flight). */
  get backlog(): number {
    let n = 0;
    for (const session of this.sessions.values()) n += session.queue.length + session.inFlight.size;
    return n;
  }

  /** Starts (or queues) a pull of `peer`'s directory, whose store is `store`. */
  pull(peer: string, store: string): void {
    const running = this.sessions.get(peer);
    if (running && running.store === store) {
      running.again = true;
      return;
    }
    const since = this.directory.cursor(store);
    const session: Session = { peer, store, since, pageRequestedAt: Date.now(), queue: [], inFlight: new Map(), pageEnd: null, more: false, failed: false, again: false };
    this.sessions.set(peer, session);
    this.metrics.replicationCatchUpPages.inc({ direction: 'requested' });
    this.hooks.requestPage(peer, since, DIRECTORY_PAGE_SIZE);
  }

  /** A page of `peer`'s directory arrived. */
  page(peer: string, store: string, since: number, entries: ReadonlyArray<[string, number]>, more: boolean): void {
    const session = this.sessions.get(peer);
    if (!session || session.store !== store || session.since !== since || session.pageEnd !== null) return; // stale
    this.metrics.replicationCatchUpPages.inc({ direction: 'received' });
    session.queue = [...entries];
    session.pageEnd = entries.length > 0 ? entries[entries.length - 1][1] : since;
    session.more = more && entries.length > 0;
    if (entries.length > 0) this.log.info({ peer, documents: entries.length, since, more }, 'catching up documents from a peer’s directory');
    this.maybeFinishPage(session);
  }

  /** `peer` answered a comparison of `room` (its answer is applied). */
  replied(peer: string, room: string): void {
    const session = this.sessions.get(peer);
    if (session?.inFlight.delete(room)) this.maybeFinishPage(session);
  }

  private tick(now = Date.now()): void {
    this.tokens = Math.min(this.docsPerSecond, this.tokens + ((now - this.lastRefill) * this.docsPerSecond) / 1_000);
    this.lastRefill = now;
    for (const session of [...this.sessions.values()]) {
      if (session.pageEnd === null) {
        if (now - session.pageRequestedAt > ANSWER_TIMEOUT_MS) this.end(session, 'no directory page came');
        continue;
      }
      for (const [room, sentAt] of session.inFlight) {
        if (now - sentAt < ANSWER_TIMEOUT_MS) continue;
        session.inFlight.delete(room);
        session.failed = true;
      }
    }
    // Round robin over the peers, one document at a time, while tokens last.
    let progress = true;
    while (progress && this.tokens >= 1) {
      progress = false;
      for (const session of this.sessions.values()) {
        if (this.tokens < 1) break;
        if (session.queue.length === 0 || session.inFlight.size >= MAX_IN_FLIGHT) continue;
        const [room] = session.queue.shift()!;
        session.inFlight.set(room, now);
        this.tokens -= 1;
        progress = true;
        this.metrics.replicationCatchUpDocuments.inc();
        this.hooks.compare(session.peer, room);
      }
    }
    for (const session of [...this.sessions.values()]) this.maybeFinishPage(session);
    this.metrics.replicationCatchUpBacklog.set(this.backlog);
  }

  private maybeFinishPage(session: Session): void {
    if (session.pageEnd === null || session.queue.length > 0 || session.inFlight.size > 0) return;
    if (this.sessions.get(session.peer) !== session) return;
    if (session.failed) return this.end(session, 'some documents were not answered; the next pull retries them');
    if (!this.hooks.flushStorage()) return this.end(session, 'storage failed');
    if (session.pageEnd > session.since) this.directory.advanceCursor(session.store, session.pageEnd);
    if (!session.more) return this.end(session, null);
    session.since = session.pageEnd;
    session.pageEnd = null;
    session.pageRequestedAt = Date.now();
    this.metrics.replicationCatchUpPages.inc({ direction: 'requested' });
    this.hooks.requestPage(session.peer, session.since, DIRECTORY_PAGE_SIZE);
  }

  private end(session: Session, problem: string | null): void {
    this.sessions.delete(session.peer);
    if (problem) this.log.warn({ peer: session.peer, since: session.since }, `directory catch-up stopped: ${problem}`);
    if (session.again) this.pull(session.peer, session.store);
  }

  close(): void {
    clearInterval(this.ticker);
  }
}
