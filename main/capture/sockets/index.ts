// The kernel's TCP sockets and the program behind each, as the OS tells them: Linux from /proc (each
// socket's inode, found among the open files of /proc/PID/fd), macOS from lsof, Windows from netstat -ano
// and tasklist. Reading them needs no capture rights; another user's programs stay "unknown" (pid null)
// unless this process may see them (root).
import { linuxSockets } from './linux-proc';
import { lsofSockets } from './macos-lsof';
import { windowsSockets } from './windows-netstat';
import type { KernelSocket } from './common';

export { UNKNOWN_PROGRAM, type KernelSocket } from './common';

/** Every TCP socket of this machine (this network namespace), LISTEN included. */
export async function kernelSockets(platform: NodeJS.Platform = process.platform): Promise<KernelSocket[]> {
  switch (platform) {
    case 'linux': return linuxSockets();
    case 'darwin': case 'freebsd': case 'openbsd': return lsofSockets();
    case 'win32': return windowsSockets();
    default: throw new Error(`listing sockets is not supported on ${platform}`);
  }
}
