// Where Wireshark's dumpcap is: the one program that holds capture privileges (capabilities, the
// `wireshark` group, BPF access), so that neither the GUI nor `node` ever needs them.
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Set to a dumpcap binary to use that one (e.g. a copy given capabilities); otherwise PATH and the usual places. */
export const DUMPCAP_ENV = 'HANDSHAKE_LAB_DUMPCAP';

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Places Wireshark installs dumpcap that may be missing from PATH (e.g. /usr/sbin for a user, the macOS app bundle). */
function wellKnown(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  if (platform === 'win32') {
    return [env.ProgramFiles, env['ProgramFiles(x86)']].filter((d): d is string => !!d).map((d) => join(d, 'Wireshark', 'dumpcap.exe'));
  }
  if (platform === 'darwin') return ['/Applications/Wireshark.app/Contents/MacOS/dumpcap', '/usr/local/bin/dumpcap', '/opt/homebrew/bin/dumpcap'];
  return ['/usr/bin/dumpcap', '/usr/sbin/dumpcap', '/usr/local/bin/dumpcap', '/bin/dumpcap'];
}

/**
 * The real path of dumpcap (symbolic links resolved: setcap must name the file itself), or null.
 * Found even when this user may not execute it (Debian's wireshark group): starting it then says so.
 */
export function findDumpcap(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | null {
  const forced = env[DUMPCAP_ENV];
  if (forced) return isFile(forced) ? realpathSync(forced) : null;
  const exe = platform === 'win32' ? 'dumpcap.exe' : 'dumpcap';
  const dirs = (env.PATH ?? env.Path ?? '').split(delimiter).filter(Boolean);
  for (const p of [...dirs.map((d) => join(d, exe)), ...wellKnown(platform, env)]) {
    if (isFile(p)) {
      try {
        return realpathSync(p);
      } catch {
        return p;
      }
    }
  }
  return null;
}

/** Whether this user may execute `path` (false for a dumpcap restricted to the wireshark group). */
export function canExecute(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
