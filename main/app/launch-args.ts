// What the command line asks of the app (a capture file to open), and whether it may start at all.
import { isAbsolute, resolve } from 'node:path';

export const CAPTURE_FILE = /\.(pcap|pcapng|cap)(\.gz)?$/i;

/**
 * The capture file named on a command line, resolved against `cwd`, or null. Electron's argv holds the
 * executable, in development the app folder (".") and Chromium switches too: only a non-option argument
 * ending in a capture extension counts.
 */
export function captureFileArg(argv: readonly string[], cwd: string): string | null {
  for (const a of argv.slice(1)) {
    if (a.startsWith('-') || !CAPTURE_FILE.test(a)) continue;
    return isAbsolute(a) ? a : resolve(cwd, a);
  }
  return null;
}

/**
 * Why the window must not open: the GUI never runs as root (DECISIONS.md; only the capture helper ever
 * gets privileges). Null when it may run. `uid` is process.getuid?.() (undefined on Windows).
 */
export function rootRefusal(uid: number | undefined): string | null {
  if (uid !== 0) return null;
  return [
    'Handshake Lab does not run its window as root: a program showing untrusted packets should not hold every privilege.',
    'Start it as your normal user. To capture packets without root, allow capture once (Help → Capture permissions explains how for this system).',
    'On a machine where only root is available, use browser mode instead: handshake-lab serve',
  ].join('\n\n');
}
