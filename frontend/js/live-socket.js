// A small graphql-transport-ws client: one socket, any number of subscriptions, kept open by
// reconnecting with capped, jittered backoff. The session cookie authenticates the handshake.
// Protocol: https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md

const PROTOCOL = "graphql-transport-ws";
const FIRST_DELAY = 1000;
const MAX_DELAY = 30_000;
const PING_EVERY = 25_000; // A phone's socket can die without a close: a ping unanswered finds out.
const PONG_WITHIN = 10_000;
const ACK_WITHIN = 10_000;

/** Close codes after which trying again will not help: the session is gone (4401, 4403). */
export const SESSION_GONE = new Set([4401, 4403]);
const TOO_MANY = 4429;

/**
 * A socket to `url` that stays connected until `close()`.
 * `onState(state, detail)` hears "connecting", "live", "reconnecting" (detail: seconds to wait) and
 * "closed" (detail: the close code that ended it for good); `onConnected(again)` runs after each
 * `connection_ack`, `again` true after a reconnect.
 */
export class GraphQLSocket {
  constructor(url, { onState = () => {}, onConnected = () => {} } = {}) {
    this.url = url;
    this.onState = onState;
    this.onConnected = onConnected;
    this.subscriptions = new Map(); // id -> { payload, sink }
    this.nextId = 1;
    this.attempt = 0;
    this.connectedBefore = false;
    this.stopped = false;
    this.socket = null;
    this.timers = {};
    this.open();
  }

  /** Starts `query` with `variables`; `sink` gets next(data), error(messages) and complete(). */
  subscribe(query, variables, sink) {
    const id = String(this.nextId++);
    const payload = { query, variables };
    this.subscriptions.set(id, { payload, sink });
    if (this.acked) this.send({ id, type: "subscribe", payload });
    return () => {
      if (this.subscriptions.delete(id) && this.acked) this.send({ id, type: "complete" });
    };
  }

  /** Reconnects now rather than at the end of the backoff (the phone came back online). */
  retryNow() {
    if (this.stopped || this.socket) return;
    clearTimeout(this.timers.retry);
    this.open();
  }

  /** Gives up the socket now, to reconnect after the backoff: the phone says it has no network,
   * and a socket it no longer can use may take minutes to notice. */
  drop() {
    const socket = this.socket;
    if (!socket) return;
    this.closed(socket, 4000); // Now, not when the close handshake (which needs the network) ends.
    socket.close(4000, "Offline");
  }

  close() {
    this.stopped = true;
    this.clearTimers();
    if (this.socket) this.socket.close(1000, "Logged out");
    this.socket = null;
  }

  open() {
    const address = new URL(this.url, location.href);
    address.protocol = address.protocol === "https:" ? "wss:" : "ws:";
    this.onState(this.connectedBefore ? "reconnecting" : "connecting");
    const socket = new WebSocket(address, PROTOCOL);
    this.socket = socket;
    this.acked = false;
    socket.addEventListener("open", () => {
      this.send({ type: "connection_init", payload: {} });
      this.timers.ack = setTimeout(() => socket.close(4408, "No acknowledgement"), ACK_WITHIN);
    });
    socket.addEventListener("message", (event) => this.receive(event.data));
    socket.addEventListener("close", (event) => this.closed(socket, event.code));
  }

  send(message) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  receive(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    const entry = this.subscriptions.get(message.id);
    switch (message.type) {
      case "connection_ack":
        clearTimeout(this.timers.ack);
        this.acked = true;
        this.attempt = 0;
        for (const [id, { payload }] of this.subscriptions) this.send({ id, type: "subscribe", payload });
        this.onState("live");
        this.onConnected(this.connectedBefore);
        this.connectedBefore = true;
        this.keepAlive();
        break;
      case "ping":
        this.send({ type: "pong" });
        break;
      case "pong":
        clearTimeout(this.timers.pong);
        break;
      case "next":
        entry?.sink.next(message.payload?.data, message.payload?.errors);
        break;
      case "error":
        this.subscriptions.delete(message.id);
        entry?.sink.error((message.payload || []).map((e) => e.message));
        break;
      case "complete":
        this.subscriptions.delete(message.id);
        entry?.sink.complete?.();
        break;
    }
  }

  keepAlive() {
    clearInterval(this.timers.ping);
    this.timers.ping = setInterval(() => {
      this.send({ type: "ping" });
      clearTimeout(this.timers.pong);
      this.timers.pong = setTimeout(() => this.socket?.close(4499, "No pong"), PONG_WITHIN);
    }, PING_EVERY);
  }

  clearTimers() {
    clearTimeout(this.timers.ack);
    clearTimeout(this.timers.pong);
    clearTimeout(this.timers.retry);
    clearInterval(this.timers.ping);
  }

  closed(socket, code) {
    if (socket !== this.socket) return; // An older socket, already replaced.
    this.socket = null;
    this.acked = false;
    this.clearTimers();
    if (this.stopped) return;
    if (SESSION_GONE.has(code)) {
      this.stopped = true;
      this.onState("closed", code);
      return;
    }
    // Full jitter under a doubling cap, so phones cut off together do not all return together.
    const cap = Math.min(MAX_DELAY, FIRST_DELAY * 2 ** this.attempt) * (code === TOO_MANY ? 4 : 1);
    const delay = Math.min(MAX_DELAY, cap / 2 + Math.random() * (cap / 2));
    this.attempt += 1;
    this.connectedBefore = true;
    this.onState("reconnecting", Math.round(delay / 1000));
    this.timers.retry = setTimeout(() => this.open(), delay);
  }
}
