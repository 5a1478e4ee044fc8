// What the UI must agree with, computed at test time: tshark (frames, Info, field positions, filters) and
// the engine itself through the CLI (`handshake-lab decode --jsonl`: states and transitions).
import { execFileSync, spawnSync } from 'node:child_process';
import type { DecodedFrame } from '../../../main/engine/types';
import { CLI, ROOT } from './serve';

export function hasTshark(): boolean {
  return spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;
}

export function tsharkFrames(file: string): { number: number; info: string }[] {
  const out = execFileSync('tshark', ['-r', file, '-T', 'fields', '-E', 'separator=\t', '-e', 'frame.number', '-e', '_ws.col.Info'], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).map((l) => { const [n, ...rest] = l.split('\t'); return { number: Number(n), info: rest.join('\t') }; });
}

export function tsharkCount(file: string, filter: string): number {
  return execFileSync('tshark', ['-r', file, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' }).split('\n').filter(Boolean).length;
}

/** Position and size of the first occurrence of a field in a frame, from tshark's PDML. */
export function tsharkFieldPos(file: string, frame: number, field: string): { pos: number; size: number } {
  const pdml = execFileSync('tshark', ['-r', file, '-Y', `frame.number == ${frame}`, '-T', 'pdml'], { encoding: 'utf8' });
  const m = new RegExp(`<field name="${field.replace(/\./g, '\\.')}"[^>]*size="(\\d+)" pos="(\\d+)"`).exec(pdml);
  if (!m) throw new Error(`tshark shows no ${field} in frame ${frame}`);
  return { size: Number(m[1]), pos: Number(m[2]) };
}

/** The engine's own view of the capture, through the built CLI. */
export function engineDecode(file: string): DecodedFrame[] {
  const out = execFileSync(process.execPath, [CLI, 'decode', '--jsonl', file], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  return out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as DecodedFrame);
}

/** Why the real engine cannot back the end-to-end checks yet (its dissectors or states are missing), or null. */
export function engineMissing(file: string): string | null {
  let frames: DecodedFrame[];
  try {
    frames = engineDecode(file);
  } catch (e) {
    return `the engine cannot decode yet (${(e as { stderr?: string }).stderr?.toString().trim().split('\n')[0] ?? String(e)})`;
  }
  if (!frames.some((f) => f.states?.client === 'SYN_SENT')) return 'the engine reports no per-endpoint states yet (no SYN_SENT in the seed\'s lab)';
  return null;
}
