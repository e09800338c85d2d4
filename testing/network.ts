/**
 * An actor's network link to the relay, made of Playwright WebSocket routes:
 * every socket a page of the actor's browser context opens to `/ws/…` goes
 * through here, so a test can really cut it (close both ends, turn new ones
 * away), slow it down, and heal it.
 *
 * Why not `context.setOffline(true)`: it does not touch open WebSockets (a
 * long-standing Playwright issue), so a "cut" tab would keep syncing.
 */
import type { BrowserContext, WebSocketRoute } from '@playwright/test';

/** Close code and reason the page sees when its link is cut (1001 "going away": transient, the app retries). */
export const CUT_CLOSE_CODE = 1001;
export const CUT_REASON = 'network cut by concord/testing';

/** Frames in one direction, delivered in order, each no sooner than `delayMs` after it was sent. */
class Lane {
  private lastAt = 0;

  push(delayMs: number, deliver: () => void): void {
    const now = Date.now();
    const at = Math.max(now + delayMs, this.lastAt);
    this.lastAt = at;
    if (at <= now) deliver();
    else setTimeout(deliver, at - now);
  }
}

interface Socket {
  page: WebSocketRoute;
  server: WebSocketRoute;
}

function quietly(close: () => Promise<void>): void {
  close().catch(() => {}); // already closed: nothing to do
}

/** Passes a close on with its code, or with `fallback` where the code may not be sent (1005, 1006: reserved). */
function closeWith(side: WebSocketRoute, code: number | undefined, reason: string | undefined, fallback: number): void {
  side.close({ code, reason }).catch(() => quietly(() => side.close({ code: fallback, reason })));
}

export class NetworkLink {
  private down = false;
  private routed = false;
  private delay = 0;
  private readonly sockets = new Set<Socket>();
  /** Sockets opened through this link, and ones turned away while cut (for self-checks). */
  readonly stats = { opened: 0, refused: 0, framesToServer: 0, framesToPage: 0 };

  /** Routes every relay socket of `context` through this link; call before the context's pages open a document. */
  async install(context: BrowserContext): Promise<void> {
    await context.routeWebSocket((url) => url.pathname.startsWith('/ws/'), (page) => this.accept(page));
    this.routed = true;
  }

  /** True once `install()` has routed a context's sockets through this link. */
  get installed(): boolean {
    return this.routed;
  }

  get isCut(): boolean {
    return this.down;
  }

  get delayMs(): number {
    return this.delay;
  }

  /** Closes every open socket at both ends and turns new ones away until `heal()`. */
  cut(): void {
    this.down = true;
    for (const socket of this.sockets) {
      quietly(() => socket.server.close({ code: 1000, reason: CUT_REASON }));
      quietly(() => socket.page.close({ code: CUT_CLOSE_CODE, reason: CUT_REASON }));
    }
    this.sockets.clear();
  }

  /** Lets sockets through again (the page reconnects on its own schedule). */
  heal(): void {
    this.down = false;
  }

  /** One-way delay for frames sent from now on, both ways. */
  setDelay(ms: number): void {
    this.delay = Math.max(0, ms);
  }

  private accept(page: WebSocketRoute): void {
    if (this.down) {
      this.stats.refused++;
      quietly(() => page.close({ code: CUT_CLOSE_CODE, reason: CUT_REASON }));
      return;
    }
    this.stats.opened++;
    const server = page.connectToServer();
    const socket = { page, server };
    this.sockets.add(socket);
    const toServer = new Lane();
    const toPage = new Lane();
    page.onMessage((message) => {
      if (!this.sockets.has(socket)) return; // cut: dropped on the floor
      this.stats.framesToServer++;
      toServer.push(this.delay, () => this.sockets.has(socket) && server.send(message));
    });
    server.onMessage((message) => {
      if (!this.sockets.has(socket)) return;
      this.stats.framesToPage++;
      toPage.push(this.delay, () => this.sockets.has(socket) && page.send(message));
    });
    page.onClose((code, reason) => {
      this.sockets.delete(socket);
      closeWith(server, code, reason, 1000);
    });
    server.onClose((code, reason) => {
      this.sockets.delete(socket);
      closeWith(page, code, reason, CUT_CLOSE_CODE);
    });
  }
}
