// `ss -tanp` (iproute2): the same facts as /proc, from the kernel's sock_diag; used where /proc/net is not
// readable, and by the tests as a second opinion.
import { UNKNOWN_PROGRAM, splitEndpoint, stateName, type KernelSocket } from './common';

export function parseSsTanp(text: string): KernelSocket[] {
  const out: KernelSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5) continue;
    const state = stateName(f[0]);
    if (!state) continue;
    const local = splitEndpoint(f[3]);
    const remote = state === 'LISTEN' ? (local.startsWith('[') ? '[::]:*' : '0.0.0.0:*') : splitEndpoint(f[4]);
    const user = /users:\(\("((?:[^"\\]|\\.)*)",pid=(\d+)/.exec(f.slice(5).join(' '));
    out.push({ local, remote, state, pid: user ? Number(user[2]) : null, program: user ? user[1] : UNKNOWN_PROGRAM });
  }
  return out;
}
