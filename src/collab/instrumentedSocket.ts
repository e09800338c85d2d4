/**
 * The WebSocket class the provider builds its sockets from. It lets the tab
 * see every frame it sends (for saved/saving), and adds a classroom-controlled one-way delay in both
 * directions. Delays keep frames in order: a frame is never due before the
 * one queued ahead of it, even when the teacher shortens the delay mid-stream.
 */

export interface SocketHooks {
  /** Current one-way delay in ms (read per frame, so the slider acts at once). */
  delayMs(): number;
  /** Called when the provider sends a frame (before the delay: it is on its way). */
  sending(frame: Uint8Array): void;
}

type Handler = ((this: WebSocket, event: MessageEvent) => unknown) | null;

/** Runs tasks in order, each no earlier than `delayMs` after it was queued. */
class DelayLine {
  private lastDue = 0;
  run(delayMs: number, task: () => void): void {
    if (delayMs <= 0 && this.lastDue <= performance.now()) {
      task();
      return;
    }
    const due = Math.max(performance.now() + delayMs, this.lastDue);
    this.lastDue = due;
    setTimeout(task, due - performance.now());
  }
}

function asBytes(data: unknown): Uint8Array | null {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return null;
}

export function instrumentedSocketClass(hooks: SocketHooks): typeof WebSocket {
  return class InstrumentedWebSocket extends WebSocket {
    private readonly outgoing = new DelayLine();
    private readonly incoming = new DelayLine();

    send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      const bytes = asBytes(data);
      if (bytes) hooks.sending(bytes);
      this.outgoing.run(hooks.delayMs(), () => {
        // A frame still "on the wire" when the socket closed is lost, as on a real network;
        // the save tracker resends its content after reconnecting.
        if (this.readyState === WebSocket.OPEN) super.send(data);
      });
    }

    // y-websocket assigns `ws.onmessage = handler`; we wrap the handler it assigns.
    set onmessage(handler: Handler) {
      super.onmessage = handler
        ? (event: MessageEvent) =>
            this.incoming.run(hooks.delayMs(), () => handler.call(this, event))
        : null;
    }
    get onmessage(): Handler {
      return super.onmessage as Handler;
    }
  };
}
