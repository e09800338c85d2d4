/**
 * An OT client in the ot.js / Jupiter style. At most one op is in flight to the
 * server; edits made meanwhile are composed into a buffer. Its states:
 *
 *   Synchronized ──edit──► AwaitingConfirm ──edit──► AwaitingWithBuffer
 *        ▲                      │   ▲                       │
 *        └─────────ack──────────┘   └────ack (send buffer)──┘
 *
 * `revision` counts the server ops this client has seen (its own acked ones
 * included): it tells the server which ops the next op was made without.
 */
import { otType, type Side, type TextOp } from './ops';

export type ClientState =
  | { name: 'Synchronized' }
  | { name: 'AwaitingConfirm'; outstanding: TextOp }
  | { name: 'AwaitingWithBuffer'; outstanding: TextOp; buffer: TextOp };

/** What the client did with an incoming server op, for the trace. */
export interface ServerOpResult {
  received: TextOp;
  applied: TextOp;
  /** The client's own unacknowledged ops the incoming op was transformed against. */
  against: TextOp[];
}

export class OtClient {
  state: ClientState = { name: 'Synchronized' };
  /** Calls to transform made here (a cost counter). */
  transforms = 0;

  /**
   * @param serverFirst side given to ops that the server ordered first; the
   *   client must use the same rule as the server or the replicas diverge.
   */
  constructor(
    public doc: string,
    public revision: number,
    private readonly serverFirst: Side,
  ) {}

  /** A local edit: applies it and returns the op to send now, if any. */
  applyLocal(op: TextOp): TextOp | undefined {
    this.doc = otType.apply(this.doc, op);
    switch (this.state.name) {
      case 'Synchronized':
        this.state = { name: 'AwaitingConfirm', outstanding: op };
        return op;
      case 'AwaitingConfirm':
        this.state = { name: 'AwaitingWithBuffer', outstanding: this.state.outstanding, buffer: op };
        return undefined;
      case 'AwaitingWithBuffer':
        this.state = { ...this.state, buffer: otType.compose(this.state.buffer, op) };
        return undefined;
    }
  }

  /** The server acknowledged our outstanding op; returns the buffer to send next, if any. */
  ack(): TextOp | undefined {
    this.revision++;
    switch (this.state.name) {
      case 'Synchronized':
        throw new Error('ack while Synchronized: the server acknowledged an op we never sent');
      case 'AwaitingConfirm':
        this.state = { name: 'Synchronized' };
        return undefined;
      case 'AwaitingWithBuffer':
        this.state = { name: 'AwaitingConfirm', outstanding: this.state.buffer };
        return this.state.outstanding;
    }
  }

  /** Another client's op, already in the server's order: transform it past ours and apply. */
  applyServer(op: TextOp): ServerOpResult {
    this.revision++;
    const ours = this.serverFirst === 'left' ? 'right' : 'left';
    const against: TextOp[] = [];
    let incoming = op;
    switch (this.state.name) {
      case 'Synchronized':
        break;
      case 'AwaitingConfirm': {
        const { outstanding } = this.state;
        against.push(outstanding);
        incoming = otType.transform(op, outstanding, this.serverFirst);
        this.state = { name: 'AwaitingConfirm', outstanding: otType.transform(outstanding, op, ours) };
        this.transforms += 2;
        break;
      }
      case 'AwaitingWithBuffer': {
        const { outstanding, buffer } = this.state;
        against.push(outstanding, buffer);
        const op1 = otType.transform(op, outstanding, this.serverFirst);
        const outstanding1 = otType.transform(outstanding, op, ours);
        incoming = otType.transform(op1, buffer, this.serverFirst);
        const buffer1 = otType.transform(buffer, op1, ours);
        this.state = { name: 'AwaitingWithBuffer', outstanding: outstanding1, buffer: buffer1 };
        this.transforms += 4;
        break;
      }
    }
    this.doc = otType.apply(this.doc, incoming);
    return { received: op, applied: incoming, against };
  }
}
