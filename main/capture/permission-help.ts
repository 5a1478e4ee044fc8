// What to tell a user whose capture is not permitted, per OS. Capture privileges go to Wireshark's
// dumpcap, the helper that captures for Handshake Lab, never to node or Electron (see DECISIONS.md).
import type { PermissionHelp } from '../api/types';
import { findDumpcap } from './dumpcap-path';

/** `dumpcap`: the helper's real path (default: the one found on this system; null when not installed). */
export function permissionHelp(platform: NodeJS.Platform = process.platform, dumpcap: string | null = findDumpcap()): PermissionHelp {
  switch (platform) {
    case 'linux': {
      const path = dumpcap ?? '/usr/bin/dumpcap';
      return {
        platform,
        steps: [
          `Capturing packets needs the CAP_NET_RAW and CAP_NET_ADMIN capabilities, which Handshake Lab leaves to Wireshark's capture helper, dumpcap (${dumpcap ? path : 'not installed'}): give them to dumpcap, never to Handshake Lab, Electron or node, and never run Handshake Lab as root.`,
          ...(dumpcap ? [] : ['Install dumpcap first: Debian/Ubuntu package wireshark-common (comes with tshark), Fedora wireshark-cli, Arch wireshark-cli.']),
          'Debian/Ubuntu: answer Yes to "Should non-superusers be able to capture packets?" (dpkg-reconfigure wireshark-common), add yourself to the wireshark group, then log out and in again. Elsewhere, give dumpcap the capabilities with setcap (the libcap2-bin package).',
        ],
        commands: [
          ...(dumpcap ? [] : ['sudo apt install wireshark-common']),
          `sudo setcap cap_net_raw,cap_net_admin=eip ${path}`,
          'sudo dpkg-reconfigure wireshark-common',
          'sudo usermod -aG wireshark "$USER"',
        ],
        canFix: false,
      };
    }
    case 'darwin':
      return {
        platform,
        steps: [
          'Capturing on macOS needs read access to the /dev/bpf* devices.',
          'Wireshark installs "ChmodBPF", which gives the access_bpf group that access at every boot; install it (or Wireshark) and add yourself to access_bpf.',
        ],
        commands: ['sudo dseditgroup -o edit -a "$USER" -t user access_bpf', 'sudo chmod o+r /dev/bpf*'],
        canFix: false,
      };
    case 'win32':
      return {
        platform,
        steps: [
          'Capturing on Windows needs Npcap (https://npcap.com).',
          'Install it with "Support loopback traffic" ticked to capture the classic lab on 127.0.0.1; untick "Restrict Npcap driver\'s access to Administrators only".',
        ],
        commands: [],
        canFix: false,
      };
    default:
      return { platform, steps: ['Live capture needs libpcap and permission to open capture devices on this system.'], commands: [], canFix: false };
  }
}
