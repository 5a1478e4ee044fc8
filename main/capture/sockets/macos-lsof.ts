// macOS (and the BSDs): `lsof -nP -iTCP +c0 -FpcnT`, whose field output gives per process its pid (p) and
// command (c), then per socket its name (n: "127.0.0.1:5000->127.0.0.1:80", "*:80") and TCP state (TST=).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { UNKNOWN_PROGRAM, listenRemote, splitEndpoint, stateName, type KernelSocket } from './common';

/** The sockets in lsof's -F output (sockets without a state, e.g. UDP, are left out). */
export function parseLsof(text: string): KernelSocket[] {
  const out: KernelSocket[] = [];
  let pid: number | null = null;
  let program = UNKNOWN_PROGRAM;
  let name: string | null = null;
  const flush = (state: string) => {
    const s = stateName(state);
    if (!name || !s) return;
    const [l, r] = name.split('->');
    const v6 = l.startsWith('[');
    const local = splitEndpoint(l, v6);
    out.push({ local, remote: r ? splitEndpoint(r, v6) : listenRemote(local), state: s, pid, program });
    name = null;
  };
  for (const line of text.split('\n')) {
    const tag = line[0];
    const value = line.slice(1);
    if (tag === 'p') { pid = Number(value); program = UNKNOWN_PROGRAM; name = null; }
    else if (tag === 'c') program = value || UNKNOWN_PROGRAM;
    else if (tag === 'f') name = null;
    else if (tag === 'n') name = value;
    else if (tag === 'T' && value.startsWith('ST=')) flush(value.slice(3));
  }
  return out;
}

export async function lsofSockets(): Promise<KernelSocket[]> {
  try {
    const { stdout } = await promisify(execFile)('lsof', ['-nP', '-iTCP', '+c0', '-FpcnT'], { maxBuffer: 64 << 20 });
    return parseLsof(stdout);
  } catch (e) {
    // lsof exits 1 when it lists nothing.
    const out = (e as { stdout?: string }).stdout;
    if (typeof out === 'string') return parseLsof(out);
    throw e;
  }
}
