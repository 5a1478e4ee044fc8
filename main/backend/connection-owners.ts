// During a live capture, asks the OS which program holds each end of the captured connections (see
// capture/sockets) and records it in the store, so the Connections panel, the ladder and `watch` name it.
// A connection is looked up while an end is unknown and it may still have sockets (not both ends closed);
// the answer, once found, stays (sockets come and go, the program was that one). Nothing is scanned while
// every open connection is known.
import type { ConnectionSummary, ProgramRef } from '../api/types';
import type { FrameStore } from '../engine/store/frame-store';
import { kernelSockets, type KernelSocket } from '../capture/sockets';

const GONE = new Set(['CLOSED', 'TIME_WAIT']);

/** The end of `c` held by a local socket, or null: the accepted or connecting socket, else (server) its listener. */
export function ownerOf(c: Pick<ConnectionSummary, 'client' | 'server'>, end: 'client' | 'server', sockets: KernelSocket[]): ProgramRef | null {
  const [local, remote] = end === 'client' ? [c.client, c.server] : [c.server, c.client];
  const exact = sockets.find((s) => s.local === local && s.remote === remote && s.state !== 'LISTEN');
  const found = exact ?? (end === 'server' ? sockets.find((s) => s.state === 'LISTEN' && listensOn(s.local, local)) : undefined);
  return found ? { pid: found.pid, program: found.program } : null;
}

/** Whether a socket listening on `listener` ("0.0.0.0:80", "[::]:80", "127.0.0.1:80") accepts `local`. */
function listensOn(listener: string, local: string): boolean {
  if (listener === local) return true;
  const port = (e: string) => e.slice(e.lastIndexOf(':') + 1);
  if (port(listener) !== port(local)) return false;
  // A wildcard takes its family's addresses; a dual-stack [::] listener (Linux's default) IPv4 ones too.
  return listener.startsWith('0.0.0.0:') ? !local.startsWith('[') : listener.startsWith('[::]:');
}

export interface OwnersOptions {
  /** How often to look while some open connection's programs are unknown (ms). */
  intervalMs?: number;
  /** The OS's sockets (tests pass their own). */
  sockets?: () => Promise<KernelSocket[]>;
  log?: (line: string) => void;
}

export class ConnectionOwners {
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private failed = false;
  private readonly known = new Map<number, { client: ProgramRef | null; server: ProgramRef | null }>();

  constructor(private readonly store: FrameStore, private readonly changed: (stream: number) => void, private readonly o: OwnersOptions = {}) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.refresh(), this.o.intervalMs ?? 500);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One look: resolves when the store has what the OS said. */
  async refresh(): Promise<void> {
    if (this.busy || this.failed) return;
    const wanted = this.store.connections().filter((c) => {
      const k = this.known.get(c.stream);
      return (!k || !k.client || !k.server) && !(GONE.has(c.states.client) && GONE.has(c.states.server));
    });
    if (!wanted.length) return;
    this.busy = true;
    try {
      const sockets = await (this.o.sockets ?? kernelSockets)();
      for (const c of wanted) {
        const before = this.known.get(c.stream) ?? { client: null, server: null };
        const now = { client: before.client ?? ownerOf(c, 'client', sockets), server: before.server ?? ownerOf(c, 'server', sockets) };
        if (now.client === before.client && now.server === before.server) continue;
        this.known.set(c.stream, now);
        this.store.setPrograms(c.stream, now);
        this.changed(c.stream);
      }
    } catch (e) {
      // Not knowing the programs never stops a capture: say so once and stop asking.
      this.failed = true;
      this.o.log?.(`cannot tell which programs hold the connections: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.busy = false;
    }
  }
}
