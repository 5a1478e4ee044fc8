// The API over WebSocket: each text message is a WsRequest, answered by a WsResponse; events go out
// as WsEvents. Every message is checked (size, JSON, shape, then the method's own schema in the
// service); a bad one is answered with an error and logged, never allowed to crash the server.
// Each connection has a session (resumed after a reload when the page names it). A connection may have
// a few requests in flight, and one large pull among them: beyond that its socket is not read until
// answers have been written out, so a client that sends and never reads holds a bounded amount of the
// server's memory.
import { randomUUID } from 'node:crypto';
import type { RawData, WebSocket } from 'ws';
import { z } from 'zod';
import { ApiError, type ApiEvent, type ApiEvents, type WsEvent, type WsResponse } from '../api/contract';
import type { ApiMethod } from '../api/requests';
import type { Role } from '../api/types';
import type { BackendClient, Service } from '../backend/service';
import { encodePartsInSlices, inTurn } from '../backend/slicer';

/** Requests are small (a path or a filter at most); anything bigger is not one of ours. */
export const MAX_MESSAGE_BYTES = 64 * 1024;
/** Live pushes pause while this much is still queued for the socket. */
const BACKLOG_LIMIT = 1 << 20;
/** Requests of one connection being handled or answered but not yet written out, at most. */
export const MAX_IN_FLIGHT = 8;
/**
 * Nor is a request taken while this much of the client's answers and pushes waits to be written: eight
 * requests of 16 MB answers to a client that never reads held a gigabyte. Answers are bounded in bytes, not
 * only in number.
 */
export const MAX_UNSENT_BYTES = 4 * 1024 * 1024;
/**
 * Requests whose answers may be megabytes (a connection list, a connection's series, pulls of more than
 * this many rows or segments): one of a connection's requests at a time. Eight taken at once, as a burst
 * is read before any answer is made, held eight answers per socket: 20 sockets that never read, each
 * asking eight 7 MB connection lists, held 2.2 GB.
 */
const LARGE_PULL = 1000;
/** getLadder's default count (requests.ts) is a large pull. */
const LADDER_DEFAULT_COUNT = 2000;

/** Whether a request's answer may be large (see LARGE_PULL). */
export function largeAnswer(method: string, params: unknown): boolean {
  if (method === 'listConnections' || method === 'getSeries') return true;
  if (method !== 'getFrames' && method !== 'getLadder') return false;
  const count = params && typeof params === 'object' ? (params as { count?: unknown }).count : undefined;
  return typeof count === 'number' ? count > LARGE_PULL : method === 'getLadder' && LADDER_DEFAULT_COUNT > LARGE_PULL;
}

/** A large answer goes out in fragments of about this many bytes (pieces joined up to it, never split). */
const FRAGMENT_BYTES = 256 * 1024;
/** How long a resuming connection waits for the session's old connection to close. */
const RESUME_WAIT_MS = 1500;

/**
 * Encoded events by payload: the back end sends the same event object to every session at the same place
 * (50 students following one live capture), so it is serialized and encoded to UTF-8 once for all of them
 * (a string would be encoded again for each socket it is written to).
 */
const encodedEvents = new WeakMap<object, { event: ApiEvent; data: Buffer }>();

export function encodeEvent(event: ApiEvent, payload: unknown): Buffer {
  if (typeof payload !== 'object' || payload === null) return encode({ event, payload });
  const hit = encodedEvents.get(payload);
  if (hit && hit.event === event) return hit.data;
  const data = encode({ event, payload });
  encodedEvents.set(payload, { event, data });
  return data;
}

function encode(msg: unknown): Buffer {
  return Buffer.from(JSON.stringify(msg));
}

const requestShape = z.object({
  id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  method: z.string().min(1).max(64),
  params: z.unknown().optional(),
}).strict();

/** A message read from a client, to be handled when there is room; `run` calls `settled` once its answer is written out. */
interface Incoming {
  large: boolean;
  run(settled: () => void): void;
}

export interface WsPeer {
  role: Role;
  /** The connection comes from this machine. */
  loopback: boolean;
  /** The session the page names (a reload), if any. */
  resume?: string | null;
  /** The peer's address (the per-address limit of students' sessions). */
  address?: string | null;
}

export function attachWebSocket(ws: WebSocket, service: Service, log: (line: string) => void, peer: string, who: WsPeer = { role: 'teacher', loopback: true }): void {
  const id = `ws-${randomUUID()}`;
  let inFlight = 0;
  /** Large pulls in flight (LARGE_PULL): one at a time. */
  let largeInFlight = 0;
  /** Messages that arrived while over the limit (at most what one read of the paused socket held). */
  const waiting: Incoming[] = [];
  /** Room for this message: few enough in flight (one large pull at most), and little enough waiting to be written. */
  const room = (next: Incoming) => inFlight < MAX_IN_FLIGHT && ws.bufferedAmount < MAX_UNSENT_BYTES && !(next.large && largeInFlight > 0);
  let drainTimer: ReturnType<typeof setTimeout> | null = null;
  const takeWaiting = () => {
    while (waiting.length && room(waiting[0])) start(waiting.shift() as Incoming);
    if (ws.isPaused && !waiting.length && inFlight < MAX_IN_FLIGHT && ws.bufferedAmount < MAX_UNSENT_BYTES) ws.resume();
    // Held by unsent bytes with nothing in flight to settle: look again once some have gone out.
    if (waiting.length && inFlight === 0 && !drainTimer && ws.readyState === ws.OPEN) {
      drainTimer = setTimeout(() => { drainTimer = null; takeWaiting(); }, 50);
    }
  };
  /** Handles a message now: it counts as in flight until its answer has been written out. */
  const start = (m: Incoming) => {
    inFlight++;
    if (m.large) largeInFlight++;
    if (inFlight >= MAX_IN_FLIGHT && !ws.isPaused) ws.pause();
    let done = false;
    m.run(() => {
      if (done) return;
      done = true;
      inFlight--;
      if (m.large) largeInFlight--;
      takeWaiting();
    });
  };
  /** Sends a message (objects are serialized here; a Buffer holds JSON text already and goes as a text frame). */
  const send = (msg: WsResponse | WsEvent | Buffer, done?: () => void) => {
    if (ws.readyState !== ws.OPEN) {
      done?.();
      return;
    }
    ws.send(Buffer.isBuffer(msg) ? msg : JSON.stringify(msg), { binary: false }, (err) => {
      if (err) log(`${peer}: send failed: ${err.message}`);
      done?.();
    });
  };
  /**
   * One message in pieces: its fragments, written one after the other at once (nothing else can come
   * between them), small pieces joined into fragments of about FRAGMENT_BYTES.
   */
  const sendParts = (parts: Buffer[], done: () => void) => {
    if (parts.length === 1 || ws.readyState !== ws.OPEN) return send(parts.length === 1 ? parts[0] : Buffer.concat(parts), done);
    const fragments: Buffer[] = [];
    for (let i = 0; i < parts.length;) {
      let j = i, bytes = 0;
      while (j < parts.length && (j === i || bytes + parts[j].length <= FRAGMENT_BYTES)) bytes += parts[j++].length;
      fragments.push(j === i + 1 ? parts[i] : Buffer.concat(parts.slice(i, j), bytes));
      i = j;
    }
    fragments.forEach((f, k) => {
      const last = k === fragments.length - 1;
      ws.send(f, { binary: false, fin: last }, last ? (err) => {
        if (err) log(`${peer}: send failed: ${err.message}`);
        done();
      } : undefined);
    });
  };
  const client: BackendClient = {
    id,
    emit<E extends ApiEvent>(event: E, payload: ApiEvents[E]) {
      send(encodeEvent(event, payload));
    },
    canPush: () => ws.bufferedAmount < BACKLOG_LIMIT,
    // A push round's events (rows, connections, transitions) in one write of the socket, not one each:
    // writing was the largest share of the server's work with 50 clients following a live capture.
    together(sendAll: () => void) {
      const socket = (ws as unknown as { _socket?: { cork?(): void; uncork?(): void } })._socket;
      socket?.cork?.();
      try {
        sendAll();
      } finally {
        socket?.uncork?.();
      }
    },
  };
  const rejection = (reason: string, requestId = -1): Incoming => ({
    large: false,
    run: (settled) => {
      log(`${peer}: rejected message: ${reason}`);
      send({ id: requestId, error: { code: 'bad_request', message: reason } }, settled);
    },
  });
  // A reload's new connection may come before the old one has closed: give the old one a moment to go,
  // so the page resumes its session (a duplicated tab, whose original stays, gets a new one after it).
  let ready = false;
  const early: [RawData, boolean][] = [];
  void (who.resume ? service.whenFree(who.resume, RESUME_WAIT_MS) : Promise.resolve()).then(() => {
    if (ws.readyState !== ws.OPEN) return;
    if (!service.connect(client, who)) {
      log(`${peer}: refused WebSocket: the server holds as many sessions as it may`);
      ws.close(1013, 'too many sessions; try again later');
      return;
    }
    ready = true;
    for (const [data, isBinary] of early.splice(0)) onMessage(data, isBinary);
  });
  ws.on('message', (data, isBinary) => {
    if (ready) return onMessage(data, isBinary);
    early.push([data, isBinary]);
    if (early.length >= MAX_IN_FLIGHT && !ws.isPaused) ws.pause();
  });
  function onMessage(data: RawData, isBinary: boolean): void {
    const m = incoming(data, isBinary);
    // Over the limit: stop reading this socket until answers have gone out (backpressure); what was
    // already read waits its turn, in order.
    if (!room(m) || waiting.length) {
      if (!ws.isPaused) ws.pause();
      waiting.push(m);
      takeWaiting();
      return;
    }
    start(m);
  }
  /** A message checked (size, JSON, shape) and ready to be handled: a request, or its rejection. */
  function incoming(data: RawData, isBinary: boolean): Incoming {
    if (isBinary) return rejection('binary messages are not accepted; send JSON text');
    const size = Array.isArray(data) ? data.reduce((a, b) => a + b.length, 0) : (data as Buffer | ArrayBuffer).byteLength;
    if (size > MAX_MESSAGE_BYTES) return rejection(`message of ${size} bytes is larger than ${MAX_MESSAGE_BYTES}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data as ArrayBuffer)]).toString('utf8'));
    } catch {
      return rejection('message is not valid JSON');
    }
    const shape = requestShape.safeParse(parsed);
    if (!shape.success) {
      const rid = typeof (parsed as { id?: unknown })?.id === 'number' ? (parsed as { id: number }).id : -1;
      const first = shape.error.issues[0];
      return rejection(`not a request: ${first ? `${first.path.join('.') || 'message'}: ${first.message}` : 'bad shape'}`, Number.isSafeInteger(rid) && rid >= 0 ? rid : -1);
    }
    const { id: requestId, method, params } = shape.data;
    return {
      large: largeAnswer(method, params),
      run: (settled) => {
        const fail = (e: unknown) => {
          const err = e instanceof ApiError ? e.toJSON() : { code: 'internal' as const, message: e instanceof Error ? e.message : String(e) };
          send({ id: requestId, error: err }, settled);
        };
        // Started in turn with other clients' requests and the large pulls' slices (slicer.ts: inTurn).
        inTurn(service.hub.slicer, () => service.handle(method as ApiMethod, params, client)).then(
          // A large answer (10,000 rows) is written out in slices too.
          (result) => encodePartsInSlices({ id: requestId, result }, service.hub.slicer).then((parts) => sendParts(parts, settled), fail),
          fail,
        );
      },
    };
  }
  ws.on('error', (err) => log(`${peer}: websocket error: ${err.message}`));
  ws.on('close', () => {
    if (drainTimer) clearTimeout(drainTimer);
    service.detach(id);
  });
}
