// Linux: what Wireshark documents, done in one step with the system's own password prompt (polkit's pkexec):
// dumpcap gets the capture capabilities and is left to the `wireshark` group, and the user joins that group.
// On Debian and Ubuntu, for the packaged dumpcap, that is `dpkg-reconfigure wireshark-common` answered Yes
// (the package keeps it through upgrades); elsewhere the same steps by hand. Handshake Lab itself, node and
// Electron get nothing, and capture starts at once: dumpcap is started through `sg wireshark` until the user
// logs in again (dumpcap-launch.ts).
import { existsSync, readFileSync } from 'node:fs';
import { findInPath } from '../find-program';

/** The group that may run dumpcap (Wireshark's; HANDSHAKE_LAB_CAPTURE_GROUP names another, e.g. in tests). */
export function captureGroup(env: NodeJS.ProcessEnv = process.env): string {
  return env.HANDSHAKE_LAB_CAPTURE_GROUP || 'wireshark';
}

/** Runs as root, with $1 = dumpcap, $2 = group, $3 = user. setcap after chgrp/chmod: a change of owner clears file capabilities. */
export const GENERIC_SCRIPT = [
  'set -e',
  'getent group "$2" >/dev/null || groupadd --system "$2"',
  'chgrp "$2" "$1"',
  'chmod u=rwx,g=rx,o=r "$1"',
  // Where the file system keeps no capabilities, Debian falls back to setuid root; so do we.
  'setcap cap_net_raw,cap_net_admin=eip "$1" || chmod u=rwxs,g=rx,o=r "$1"',
  'usermod -a -G "$2" "$3"',
].join('\n');

/** Debian's own way for its packaged dumpcap; $1 = user. */
export const DEBIAN_SCRIPT = [
  'set -e',
  'echo "wireshark-common wireshark-common/install-setuid boolean true" | debconf-set-selections',
  'DEBIAN_FRONTEND=noninteractive dpkg-reconfigure wireshark-common',
  'usermod -a -G wireshark "$1"',
].join('\n');

export interface LinuxFacts {
  dumpcap: string | null;
  pkexec: string | null;
  user: string;
  root: boolean;
  group: string;
  /** dumpcap is Debian's packaged one (wireshark-common), and dpkg-reconfigure is there. */
  debianPackaged: boolean;
}

export function linuxFacts(dumpcap: string | null, user: string, env: NodeJS.ProcessEnv = process.env): LinuxFacts {
  let debianPackaged = false;
  try {
    debianPackaged = !!dumpcap && !!findInPath('dpkg-reconfigure', env) && existsSync('/var/lib/dpkg/info/wireshark-common.list')
      && readFileSync('/var/lib/dpkg/info/wireshark-common.list', 'utf8').split('\n').includes(dumpcap);
  } catch { /* not Debian */ }
  return { dumpcap, pkexec: findInPath('pkexec', env), user, root: process.getuid?.() === 0, group: captureGroup(env), debianPackaged };
}

export type LinuxPlan = { command: string[]; route: 'debian' | 'generic' } | { problem: string };

/** The one command the button runs, or why there is none. */
export function linuxPlan(f: LinuxFacts): LinuxPlan {
  if (f.root) return { problem: 'this process runs as root and may capture already' };
  if (!f.dumpcap) return { problem: 'Wireshark\'s dumpcap is not installed (Debian/Ubuntu: sudo apt install wireshark-common; Fedora and Arch: wireshark-cli)' };
  if (!f.pkexec) return { problem: 'there is no pkexec (polkit) to ask for your password: give dumpcap its rights with the commands shown' };
  // The Debian route fixes Debian's group name; another group (tests) takes the generic one.
  if (f.debianPackaged && f.group === 'wireshark') return { command: [f.pkexec, '/bin/sh', '-c', DEBIAN_SCRIPT, 'handshake-lab-enable-capture', f.user], route: 'debian' };
  return { command: [f.pkexec, '/bin/sh', '-c', GENERIC_SCRIPT, 'handshake-lab-enable-capture', f.dumpcap, f.group, f.user], route: 'generic' };
}

/** pkexec's exit codes: 126 the prompt was dismissed, 127 not authorised (or no polkit agent to ask). */
export function pkexecOutcome(code: number | null, stderr: string): { outcome: 'enabled' | 'cancelled' | 'failed'; message: string } {
  if (code === 0) return { outcome: 'enabled', message: 'dumpcap may capture now, for you (through its group) and for the members of its group' };
  if (code === 126) return { outcome: 'cancelled', message: 'the password prompt was dismissed: nothing was changed' };
  if (code === 127) return { outcome: 'failed', message: `the system did not allow it (pkexec: ${stderr.trim() || 'not authorised, or no authentication agent is running'})` };
  return { outcome: 'failed', message: `giving dumpcap its rights failed (exit code ${code}): ${stderr.trim().split('\n').slice(-2).join(' ') || 'no message'}` };
}
