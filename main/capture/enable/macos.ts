// macOS: what Wireshark's ChmodBPF does, with the system's administrator prompt (osascript … with
// administrator privileges): the access_bpf group may read and write the /dev/bpf* devices, now and at
// every boot (a launch daemon, unless Wireshark's own ChmodBPF is installed), and the user joins the group.
import { shellQuote } from '../dumpcap-launch';

export const BPF_GROUP = 'access_bpf';
export const DAEMON = '/Library/LaunchDaemons/org.handshakelab.ChmodBPF.plist';
export const WIRESHARK_DAEMON = '/Library/LaunchDaemons/org.wireshark.ChmodBPF.plist';

const CHMOD_BPF = `/usr/bin/chgrp ${BPF_GROUP} /dev/bpf* && /bin/chmod g+rw /dev/bpf*`;

/** The launch daemon that gives the group its access again at every boot. */
export function daemonPlist(): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0"><dict>',
    '<key>Label</key><string>org.handshakelab.ChmodBPF</string>',
    `<key>ProgramArguments</key><array><string>/bin/sh</string><string>-c</string><string>${CHMOD_BPF.replace(/&/g, '&amp;')}</string></array>`,
    '<key>RunAtLoad</key><true/>',
    '</dict></plist>',
    '',
  ].join('\n');
}

/** The shell script run as root. */
export function macScript(user: string, wiresharkDaemon: boolean): string {
  return [
    `/usr/sbin/dseditgroup -q -o read ${BPF_GROUP} >/dev/null 2>&1 || /usr/sbin/dseditgroup -q -o create ${BPF_GROUP}`,
    `/usr/sbin/dseditgroup -q -o edit -a ${shellQuote(user)} -t user ${BPF_GROUP}`,
    ...(wiresharkDaemon ? [] : [`/usr/bin/printf '%s' ${shellQuote(daemonPlist())} > ${DAEMON}`, `/usr/sbin/chown root:wheel ${DAEMON}`, `/bin/chmod 644 ${DAEMON}`]),
    CHMOD_BPF,
  ].join(' && ');
}

/** A string literal of AppleScript. */
export function appleScriptString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function macCommand(user: string, wiresharkDaemon: boolean): string[] {
  return ['/usr/bin/osascript', '-e', `do shell script ${appleScriptString(macScript(user, wiresharkDaemon))} with prompt "Handshake Lab wants to let Wireshark's capture helper read network packets." with administrator privileges`];
}

/** osascript's outcome: error -128 is the user's Cancel. */
export function osascriptOutcome(code: number | null, stderr: string): { outcome: 'enabled' | 'cancelled' | 'failed'; message: string } {
  if (code === 0) return { outcome: 'enabled', message: `the ${BPF_GROUP} group may capture now; if capture is still refused, log out and in again` };
  if (/\(-128\)/.test(stderr)) return { outcome: 'cancelled', message: 'the password prompt was cancelled: nothing was changed' };
  return { outcome: 'failed', message: `giving capture access failed: ${stderr.trim() || `exit code ${code}`}` };
}
