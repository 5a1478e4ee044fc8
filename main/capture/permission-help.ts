// What to tell a user whose capture is not permitted, per OS, and whether the "Allow capture" button
// (enable/) can do it here. Capture privileges go to Wireshark's dumpcap, the helper that captures for
// Handshake Lab, never to node or Electron (see DECISIONS.md).
import type { PermissionHelp } from '../api/types';
import { findDumpcap } from './dumpcap-path';
import { enableCapturePlan } from './enable';
import { linuxFacts } from './enable/linux';

/**
 * `dumpcap`: the helper's real path (default: the one found on this system; null when not installed).
 * `opts` (tests): whether the button can do it here, whether dumpcap is Debian's packaged one.
 */
export function permissionHelp(platform: NodeJS.Platform = process.platform, dumpcap: string | null = findDumpcap(), opts: { canFix?: boolean; debianPackaged?: boolean } = {}): PermissionHelp {
  const canFix = opts.canFix ?? (platform === process.platform && enableCapturePlan(platform).kind !== 'none');
  switch (platform) {
    case 'linux': {
      const path = dumpcap ?? '/usr/bin/dumpcap';
      const debian = opts.debianPackaged ?? linuxFacts(dumpcap, 'nobody').debianPackaged;
      return {
        platform,
        steps: [
          `Capturing packets needs two Linux capabilities, which Handshake Lab leaves to Wireshark's capture helper, dumpcap (${dumpcap ? path : 'not installed'}): never give them to Handshake Lab, Electron or node.`,
          ...(dumpcap ? [] : ['Install dumpcap first: Debian/Ubuntu package wireshark-common (tshark brings it), Fedora and Arch wireshark-cli.']),
          ...(canFix ? ['"Allow capture" does it for you once your system has asked for your password: dumpcap gets the capabilities, only the wireshark group may run it, and you join that group. Capture starts at once, without logging out.'] : []),
          debian
            ? 'By hand: answer Yes to "Should non-superusers be able to capture packets?" (sudo dpkg-reconfigure wireshark-common), add yourself to the wireshark group, and log out and in again.'
            : 'By hand: give dumpcap the capabilities with setcap (package libcap2-bin).',
        ],
        commands: [
          ...(dumpcap ? [] : ['sudo apt install wireshark-common']),
          ...(debian ? ['sudo dpkg-reconfigure wireshark-common', 'sudo usermod -aG wireshark "$USER"'] : [`sudo setcap cap_net_raw,cap_net_admin=eip ${path}`]),
        ],
        canFix,
      };
    }
    case 'darwin':
      return {
        platform,
        steps: [
          'Capturing on macOS needs read access to the /dev/bpf* devices.',
          ...(canFix ? ['"Allow capture" does what Wireshark\'s ChmodBPF does, once you have typed an administrator\'s password: the access_bpf group gets that access (now and at every boot) and you join the group.'] : []),
          'By hand: install Wireshark\'s ChmodBPF package and add yourself to the access_bpf group.',
        ],
        commands: ['sudo dseditgroup -o edit -a "$USER" -t user access_bpf', 'sudo chgrp access_bpf /dev/bpf*', 'sudo chmod g+rw /dev/bpf*'],
        canFix,
      };
    case 'win32':
      return {
        platform,
        steps: [
          'Capturing on Windows needs Npcap (https://npcap.com).',
          'Install it with "Support loopback traffic" ticked to capture the classic lab on 127.0.0.1; untick "Restrict Npcap driver\'s access to Administrators only".',
        ],
        commands: [],
        canFix,
      };
    default:
      return { platform, steps: ['Live capture needs libpcap and permission to open capture devices on this system.'], commands: [], canFix: false };
  }
}
