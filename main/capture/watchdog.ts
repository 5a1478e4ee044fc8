// A capture helper must not outlive the app, even when the app is killed with SIGKILL and has no chance
// to stop it. Linux's parent-death signal would do, but the kernel clears it for binaries with file
// capabilities (dumpcap's), so dumpcap runs under a small shell watchdog instead: the watchdog's stdin is
// a pipe from the app, which the kernel closes however the app ends; when it closes, the watchdog stops
// dumpcap's process group (SIGTERM, then SIGKILL 2 s later). A SIGTERM to the watchdog is passed on to
// that group (a normal stop), and the watchdog exits with dumpcap's status. dumpcap's stdout and stderr
// are the app's pipes, untouched. Windows has no sh: there dumpcap is started directly.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/**
 * $1… is the command and its arguments. fd 3 keeps the app's pipe; the command gets neither it nor stdin.
 * The command runs in a session (so a process group) of its own, through setsid where there is one:
 * signals go to the whole group, so a dumpcap started through `sg` (which forks and does not pass signals
 * on) is stopped with sg. Without setsid (macOS) the command itself is signalled (sg is Linux-only).
 */
export const WATCHDOG_SCRIPT = `exec 3<&0 </dev/null
if command -v setsid >/dev/null 2>&1; then setsid "$@" 3<&- & else "$@" 3<&- & fi
c=$!
sig() { kill -"$1" -"$c" 2>/dev/null || kill -"$1" "$c" 2>/dev/null; }
trap 'sig TERM' TERM INT HUP
( while read -r _ <&3; do :; done; sig TERM; sleep 2; sig KILL ) &
w=$!
exec 3<&-
while :; do
  wait "$c"; s=$?
  kill -0 "$c" 2>/dev/null || break
done
kill "$w" 2>/dev/null
exit "$s"`;

/** The name the watchdog shows in `ps`. */
export const WATCHDOG_NAME = 'handshake-lab-capture-watchdog';

/** Exit codes of the shell when the command could not be run: not found, not executable. */
export const SH_NOT_FOUND = 127;
export const SH_NOT_EXECUTABLE = 126;

export type WatchedProcess = ChildProcessByStdio<Writable | null, Readable, Readable>;

/** Whether helpers run under the watchdog here. */
export function watchdogAvailable(platform: NodeJS.Platform = process.platform): boolean {
  return platform !== 'win32';
}

/** Starts `command args` under the watchdog (stdout and stderr piped to us). Throws as spawn() does. */
export function spawnWatched(command: string, args: string[]): WatchedProcess {
  if (!watchdogAvailable()) return spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  const child = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, WATCHDOG_NAME, command, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  // Nothing is ever written: the pipe only tells the watchdog we are alive. A write error on it is ours to ignore.
  child.stdin.on('error', () => undefined);
  return child;
}
