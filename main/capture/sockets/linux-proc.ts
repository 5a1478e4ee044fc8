// Linux: the sockets of /proc/net/tcp and tcp6, and their owners from the socket inodes among each
// process's open files (/proc/PID/fd/N → "socket:[INODE]"), with the name /proc/PID/comm gives (as ss -p);
// `ss -tanp` where /proc/net cannot be read.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { ipv6 } from '../../engine/fields/format';
import type { TcpState } from '../../engine/types';
import { UNKNOWN_PROGRAM, endpoint, listenRemote, type KernelSocket } from './common';
import { parseSsTanp } from './ss';

/** /proc/net/tcp's state codes (include/net/tcp_states.h). */
const PROC_STATES: Record<number, TcpState> = {
  1: 'ESTABLISHED', 2: 'SYN_SENT', 3: 'SYN_RECEIVED', 4: 'FIN_WAIT_1', 5: 'FIN_WAIT_2', 6: 'TIME_WAIT',
  7: 'CLOSED', 8: 'CLOSE_WAIT', 9: 'LAST_ACK', 10: 'LISTEN', 11: 'CLOSING', 12: 'SYN_RECEIVED',
};

/** A /proc/net/tcp address ("0100007F:3039"; IPv6 as four 32-bit words in host byte order) as an endpoint. */
export function procAddress(text: string): string {
  const [hex, portHex] = text.split(':');
  const port = parseInt(portHex, 16);
  const bytes = new Uint8Array(hex.length / 2);
  // Each 32-bit word was printed as a host-order (little-endian) number.
  for (let w = 0; w < hex.length / 8; w++) {
    for (let b = 0; b < 4; b++) bytes[w * 4 + b] = parseInt(hex.slice(w * 8 + (3 - b) * 2, w * 8 + (3 - b) * 2 + 2), 16);
  }
  return endpoint(bytes.length === 4 ? bytes.join('.') : ipv6(bytes, 0), port);
}

export interface ProcSocket { local: string; remote: string; state: TcpState; inode: number }

/** The rows of /proc/net/tcp or tcp6. */
export function parseProcNetTcp(text: string): ProcSocket[] {
  const out: ProcSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const state = PROC_STATES[parseInt(f[3], 16)];
    if (!state) continue;
    const local = procAddress(f[1]);
    out.push({ local, remote: state === 'LISTEN' ? listenRemote(local) : procAddress(f[2]), state, inode: Number(f[9]) });
  }
  return out;
}

/** Socket inode → the lowest pid holding it, among the processes whose open files we may read. */
export function socketOwners(proc = '/proc'): Map<number, number> {
  const owners = new Map<number, number>();
  const pids = readdirSync(proc).filter((d) => /^\d+$/.test(d)).map(Number).sort((a, b) => a - b);
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`${proc}/${pid}/fd`);
    } catch {
      continue; // gone, or another user's: its sockets stay unknown
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(`${proc}/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m && !owners.has(Number(m[1]))) owners.set(Number(m[1]), pid);
    }
  }
  return owners;
}

function programOf(pid: number, proc: string): string {
  try {
    return readFileSync(`${proc}/${pid}/comm`, 'utf8').trim() || UNKNOWN_PROGRAM;
  } catch {
    return UNKNOWN_PROGRAM;
  }
}

export async function linuxSockets(proc = '/proc'): Promise<KernelSocket[]> {
  const rows: ProcSocket[] = [];
  let read = 0;
  for (const f of ['tcp', 'tcp6']) {
    try {
      rows.push(...parseProcNetTcp(readFileSync(`${proc}/net/${f}`, 'utf8')));
      read++;
    } catch { /* no IPv6 */ }
  }
  // /proc/net hidden (a locked-down container): ask the kernel through sock_diag instead.
  if (!read) return parseSsTanp(execFileSync('ss', ['-tanp'], { encoding: 'utf8', maxBuffer: 64 << 20 }));
  const owners = socketOwners(proc);
  const names = new Map<number, string>();
  return rows.map((r) => {
    // Inode 0: no file any more (TIME_WAIT, a socket being torn down): nobody holds it.
    const pid = r.inode ? owners.get(r.inode) ?? null : null;
    if (pid !== null && !names.has(pid)) names.set(pid, programOf(pid, proc));
    return { local: r.local, remote: r.remote, state: r.state, pid, program: pid === null ? UNKNOWN_PROGRAM : names.get(pid)! };
  });
}
