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

/** Both endpoints' kernel states of the connection between clientPort and serverPort ('CLOSED' when gone). */
export function kernelStates(clientPort: number, serverPort: number): { client: TcpState; server: TcpState } {
  const r = spawnSync('ss', ['-tanH', 'state', 'all'], { encoding: 'utf8' });
  let client: TcpState = 'CLOSED', server: TcpState = 'CLOSED';
  for (const line of r.stdout.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5) continue;
    const state = SS_STATES[f[0]];
    const local = portOf(f[3]), peer = portOf(f[4]);
    if (local === clientPort && peer === serverPort) client = state;
    else if (local === serverPort && peer === clientPort) server = state;
  }
  return { client, server };
}
