// Windows: `netstat -ano -p TCP` and `-p TCPv6` (proto, local, foreign, state, PID), the names from
// `tasklist /FO CSV /NH` ("image","PID",…).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { UNKNOWN_PROGRAM, listenRemote, splitEndpoint, stateName, type KernelSocket } from './common';

/** The TCP rows of netstat -ano (pid 0 is the System Idle Process: a socket nobody holds any more). */
export function parseNetstat(text: string, names: Map<number, string>): KernelSocket[] {
  const out: KernelSocket[] = [];
  for (const line of text.split(/\r?\n/)) {
    const f = line.trim().split(/\s+/);
    if (f.length !== 5 || !/^TCP(v6)?$/i.test(f[0])) continue;
    const state = stateName(f[3]);
    if (!state) continue;
    const v6 = f[1].startsWith('[');
    const local = splitEndpoint(f[1], v6);
    const pid = Number(f[4]) || null;
    out.push({ local, remote: state === 'LISTEN' ? listenRemote(local) : splitEndpoint(f[2], v6), state, pid, program: pid === null ? UNKNOWN_PROGRAM : names.get(pid) ?? UNKNOWN_PROGRAM });
  }
  return out;
}

/** PID → image name from tasklist's CSV. */
export function parseTasklist(csv: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of csv.split(/\r?\n/)) {
    const m = /^"((?:[^"]|"")*)","(\d+)"/.exec(line.trim());
    if (m) names.set(Number(m[2]), m[1].replace(/""/g, '"'));
  }
  return names;
}

export async function windowsSockets(): Promise<KernelSocket[]> {
  const run = promisify(execFile);
  const [v4, v6, tasks] = await Promise.all([
    run('netstat', ['-ano', '-p', 'TCP'], { windowsHide: true, maxBuffer: 64 << 20 }),
    run('netstat', ['-ano', '-p', 'TCPv6'], { windowsHide: true, maxBuffer: 64 << 20 }),
    run('tasklist', ['/FO', 'CSV', '/NH'], { windowsHide: true, maxBuffer: 64 << 20 }),
  ]);
  const names = parseTasklist(tasks.stdout);
  return [...parseNetstat(v4.stdout, names), ...parseNetstat(v6.stdout, names)];
}
