// What every platform's socket listing shares: the socket's shape, state names and endpoint spelling.
import type { TcpState } from '../../engine/types';

/** One TCP socket: "ip:port" ("[v6]:port") ends, its RFC 9293 state, and who holds it. */
export interface KernelSocket {
  local: string;
  /** "0.0.0.0:*" or "[::]:*" for a listening socket. */
  remote: string;
  state: TcpState;
  pid: number | null;
  /** The program's name, or "unknown" when the OS will not tell. */
  program: string;
}

export const UNKNOWN_PROGRAM = 'unknown';

/** Kernel state names (Linux /proc codes are mapped before) to the engine's RFC 9293 names. */
const STATE_NAMES: Record<string, TcpState> = {
  ESTABLISHED: 'ESTABLISHED', ESTAB: 'ESTABLISHED',
  SYN_SENT: 'SYN_SENT', 'SYN-SENT': 'SYN_SENT',
  SYN_RECV: 'SYN_RECEIVED', 'SYN-RECV': 'SYN_RECEIVED', SYN_RCVD: 'SYN_RECEIVED', SYN_RECEIVED: 'SYN_RECEIVED', NEW_SYN_RECV: 'SYN_RECEIVED',
  FIN_WAIT1: 'FIN_WAIT_1', 'FIN-WAIT-1': 'FIN_WAIT_1', FIN_WAIT_1: 'FIN_WAIT_1',
  FIN_WAIT2: 'FIN_WAIT_2', 'FIN-WAIT-2': 'FIN_WAIT_2', FIN_WAIT_2: 'FIN_WAIT_2',
  TIME_WAIT: 'TIME_WAIT', 'TIME-WAIT': 'TIME_WAIT',
  CLOSE: 'CLOSED', CLOSED: 'CLOSED', UNCONN: 'CLOSED',
  CLOSE_WAIT: 'CLOSE_WAIT', 'CLOSE-WAIT': 'CLOSE_WAIT',
  LAST_ACK: 'LAST_ACK', 'LAST-ACK': 'LAST_ACK',
  LISTEN: 'LISTEN', LISTENING: 'LISTEN',
  CLOSING: 'CLOSING',
};

/** The engine's name for a kernel's state name (as ss, lsof, netstat or /proc spell it), or null. */
export function stateName(kernel: string): TcpState | null {
  return STATE_NAMES[kernel.toUpperCase()] ?? null;
}

/**
 * "ip:port" as the engine writes an endpoint: IPv6 in brackets, an IPv4-mapped IPv6 address as the IPv4
 * address it is on the wire, a zone (%lo) dropped.
 */
export function endpoint(ip: string, port: string | number): string {
  let a = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  if (mapped) a = mapped[1];
  return a.includes(':') ? `[${a.toLowerCase()}]:${port}` : `${a}:${port}`;
}

/** Splits "ip:port", "[v6]:port" or "*:port" (as ss and lsof write them) into an endpoint; '*' becomes the wildcard of `v6`. */
export function splitEndpoint(text: string, v6 = false): string {
  const i = text.lastIndexOf(':');
  let ip = text.slice(0, i);
  const port = text.slice(i + 1);
  if (ip === '*' || ip === '') ip = v6 || text.startsWith('[') ? '::' : '0.0.0.0';
  return endpoint(ip, port);
}

/** The remote end of a listening socket on `local`. */
export function listenRemote(local: string): string {
  return local.startsWith('[') ? '[::]:*' : '0.0.0.0:*';
}
