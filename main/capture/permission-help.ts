// What to tell a user whose capture is not permitted, per OS (as Wireshark's dumpcap setup does).
import type { PermissionHelp } from '../api/types';

export function permissionHelp(platform: NodeJS.Platform = process.platform, binary = process.execPath): PermissionHelp {
  switch (platform) {
    case 'linux':
      return {
        platform,
        steps: [
          'Capturing packets needs the CAP_NET_RAW and CAP_NET_ADMIN capabilities; Handshake Lab never runs as root.',
          'Either give them to the program that captures (as Wireshark does for dumpcap), or add yourself to a group allowed to capture, then log in again.',
          'Packages: libpcap must be installed (Debian/Ubuntu: libpcap0.8; Fedora: libpcap).',
        ],
        commands: [
          `sudo setcap cap_net_raw,cap_net_admin=eip ${binary}`,
          'sudo groupadd -f pcap && sudo usermod -aG pcap "$USER"',
        ],
        canFix: false,
      };
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
