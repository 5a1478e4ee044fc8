// The kernel's view of loopback TCP sockets (ss -tan), for comparing with the engine's states.
import { spawnSync } from 'node:child_process';
import type { TcpState } from '../../main/engine/types';

const SS_STATES: Record<string, TcpState> = {
  'SYN-SENT': 'SYN_SENT', 'SYN-RECV': 'SYN_RECEIVED', ESTAB: 'ESTABLISHED', 'FIN-WAIT-1': 'FIN_WAIT_1',
  'FIN-WAIT-2': 'FIN_WAIT_2', 'CLOSE-WAIT': 'CLOSE_WAIT', CLOSING: 'CLOSING', 'LAST-ACK': 'LAST_ACK',
  'TIME-WAIT': 'TIME_WAIT', LISTEN: 'LISTEN', CLOSED: 'CLOSED', UNCONN: 'CLOSED',
};

export function hasSs(): boolean {
  return spawnSync('ss', ['-V'], { stdio: 'ignore' }).status === 0;
}

const portOf = (addr: string) => Number(addr.slice(addr.lastIndexOf(':') + 1));

/** One line of `ss -tanH`: the state as ss names it and mapped to RFC 9293's name, both addresses. */
export interface KernelSocket {
  ss: string;
  state: TcpState;
  local: string;
  peer: string;
  localPort: number;
  /** NaN for a listening socket (peer "*:*"). */
  peerPort: number;
}

function parse(stdout: string): KernelSocket[] {
  const out: KernelSocket[] = [];
  for (const line of stdout.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5) continue;
    out.push({ ss: f[0], state: SS_STATES[f[0]] ?? 'CLOSED', local: f[3], peer: f[4], localPort: portOf(f[3]), peerPort: portOf(f[4]) });
  }
  return out;
}

/** Every TCP socket with `port` at either end, in any state: `ss -tanH state all '( sport = :P or dport = :P )'`. */
export function kernelSockets(port: number): KernelSocket[] {
  const r = spawnSync('ss', ['-tanH', 'state', 'all', `( sport = :${port} or dport = :${port} )`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ss failed: ${r.stderr}`);
  return parse(r.stdout);
}

/** Both endpoints' states of the connection between clientPort and serverPort among `sockets` ('CLOSED' when absent). */
export function connectionStates(sockets: readonly KernelSocket[], clientPort: number, serverPort: number): { client: TcpState; server: TcpState } {
  let client: TcpState = 'CLOSED', server: TcpState = 'CLOSED';
  for (const s of sockets) {
    if (s.localPort === clientPort && s.peerPort === serverPort) client = s.state;
    else if (s.localPort === serverPort && s.peerPort === clientPort) server = s.state;
  }
  return { client, server };
}

/** Both endpoints' kernel states of the connection between clientPort and serverPort ('CLOSED' when gone). */
export function kernelStates(clientPort: number, serverPort: number): { client: TcpState; server: TcpState } {
  return connectionStates(kernelSockets(serverPort), clientPort, serverPort);
}
