// "Allow capture", command by command: what each OS's button runs and how its answer is read (the Linux
// commands run for real in test/e2e/enable-capture.test.ts), and how dumpcap is started through its group
// until the user logs in again.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { DEBIAN_SCRIPT, GENERIC_SCRIPT, captureGroup, linuxPlan, pkexecOutcome, type LinuxFacts } from '../../main/capture/enable/linux';
import { BPF_GROUP, DAEMON, appleScriptString, daemonPlist, macCommand, macScript, osascriptOutcome } from '../../main/capture/enable/macos';
import { NPCAP_URL, npcapInstalled, windowsAdvice } from '../../main/capture/enable/windows';
import { enableCapture } from '../../main/capture/enable';
import { dumpcapLaunch, groupDb, shellQuote, type LaunchFacts } from '../../main/capture/dumpcap-launch';
import { permissionHelp } from '../../main/capture/permission-help';

const has = (cmd: string, args = ['--version']) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;

describe('Linux: pkexec, then dumpcap\'s capabilities and group, and the user in the group', () => {
  const facts: LinuxFacts = { dumpcap: '/opt/ws/dumpcap', pkexec: '/usr/bin/pkexec', user: 'ada', root: false, group: 'wireshark', debianPackaged: false };

  it('runs one command through pkexec: the generic steps, or Debian\'s own for its packaged dumpcap', () => {
    expect(linuxPlan(facts)).toEqual({ command: ['/usr/bin/pkexec', '/bin/sh', '-c', GENERIC_SCRIPT, 'handshake-lab-enable-capture', '/opt/ws/dumpcap', 'wireshark', 'ada'], route: 'generic' });
    expect(linuxPlan({ ...facts, dumpcap: '/usr/bin/dumpcap', debianPackaged: true })).toEqual({ command: ['/usr/bin/pkexec', '/bin/sh', '-c', DEBIAN_SCRIPT, 'handshake-lab-enable-capture', 'ada'], route: 'debian' });
    // Another group than Debian's (a test's own) takes the generic steps even for the packaged dumpcap.
    expect(linuxPlan({ ...facts, debianPackaged: true, group: 'lab' })).toMatchObject({ route: 'generic' });
    expect(linuxPlan({ ...facts, root: true })).toEqual({ problem: 'this process runs as root and may capture already' });
    expect(linuxPlan({ ...facts, dumpcap: null })).toMatchObject({ problem: expect.stringMatching(/dumpcap is not installed/) });
    expect(linuxPlan({ ...facts, pkexec: null })).toMatchObject({ problem: expect.stringMatching(/no pkexec/) });
    expect(captureGroup({})).toBe('wireshark');
    expect(captureGroup({ HANDSHAKE_LAB_CAPTURE_GROUP: 'lab' })).toBe('lab');
  });

  it('the scripts are valid shell, set the capabilities after the owner change (which clears them), and stop at the first failure', () => {
    for (const s of [GENERIC_SCRIPT, DEBIAN_SCRIPT]) expect(spawnSync('sh', ['-n', '-c', s]).status).toBe(0);
    const lines = GENERIC_SCRIPT.split('\n');
    expect(lines[0]).toBe('set -e');
    expect(lines.findIndex((l) => l.startsWith('setcap'))).toBeGreaterThan(lines.findIndex((l) => l.startsWith('chgrp')));
    expect(lines.findIndex((l) => l.startsWith('setcap'))).toBeGreaterThan(lines.findIndex((l) => l.startsWith('chmod')));
    expect(DEBIAN_SCRIPT).toContain('wireshark-common/install-setuid boolean true');
  });

  it('reads pkexec\'s answer: 126 dismissed, 127 refused, anything else the script\'s failure', () => {
    expect(pkexecOutcome(0, '').outcome).toBe('enabled');
    expect(pkexecOutcome(126, '').outcome).toBe('cancelled');
    expect(pkexecOutcome(127, 'Error executing command as another user: Not authorized\n')).toEqual({ outcome: 'failed', message: 'the system did not allow it (pkexec: Error executing command as another user: Not authorized)' });
    expect(pkexecOutcome(1, 'chgrp: invalid group: \'x\'\n')).toEqual({ outcome: 'failed', message: 'giving dumpcap its rights failed (exit code 1): chgrp: invalid group: \'x\'' });
  });

  it('says what the button does, and otherwise the commands to type', () => {
    const withButton = permissionHelp('linux', '/opt/ws/dumpcap', { canFix: true });
    expect(withButton.canFix).toBe(true);
    expect(withButton.steps.join(' ')).toMatch(/"Allow capture" does it for you/);
    expect(permissionHelp('linux', '/opt/ws/dumpcap', { canFix: false }).steps.join(' ')).not.toMatch(/Allow capture/);
    expect(permissionHelp('linux', '/usr/bin/dumpcap', { canFix: false, debianPackaged: true }).commands).toEqual(['sudo dpkg-reconfigure wireshark-common', 'sudo usermod -aG wireshark "$USER"']);
    // One short sentence first (error messages quote it), without the old "never run as root" sermon.
    expect(withButton.steps[0].length).toBeLessThan(220);
  });

  it('a plan without a way to do it is answered without running anything', async () => {
    expect(await enableCapture({ kind: 'none', why: 'this process runs as root and may capture already' })).toEqual({ outcome: 'not_needed', message: 'this process runs as root and may capture already' });
    expect(await enableCapture({ kind: 'none', why: 'there is no pkexec' })).toEqual({ outcome: 'failed', message: 'there is no pkexec' });
    expect(await enableCapture({ kind: 'install', url: NPCAP_URL, message: 'install Npcap' })).toEqual({ outcome: 'install', message: 'install Npcap', url: NPCAP_URL });
  });

  it('runs the command and reads its exit (a stand-in for pkexec that exits 126: dismissed)', async () => {
    expect(await enableCapture({ kind: 'elevate', platform: 'linux', command: ['sh', '-c', 'exit 126'] })).toMatchObject({ outcome: 'cancelled' });
    expect(await enableCapture({ kind: 'elevate', platform: 'linux', command: ['sh', '-c', 'echo nope >&2; exit 3'] })).toMatchObject({ outcome: 'failed', message: expect.stringContaining('nope') });
    expect(await enableCapture({ kind: 'elevate', platform: 'linux', command: ['/nonexistent/pkexec'] })).toMatchObject({ outcome: 'failed', message: expect.stringContaining('ENOENT') });
  });
});

describe('macOS: osascript with administrator privileges, as Wireshark\'s ChmodBPF', () => {
  it('creates the group if needed, adds the user, installs a boot-time daemon unless Wireshark\'s is there, opens /dev/bpf* to the group', () => {
    const s = macScript('ada', false);
    expect(s).toContain(`/usr/sbin/dseditgroup -q -o edit -a ada -t user ${BPF_GROUP}`);
    expect(s).toContain(`> ${DAEMON}`);
    expect(s.endsWith(`/usr/bin/chgrp ${BPF_GROUP} /dev/bpf* && /bin/chmod g+rw /dev/bpf*`)).toBe(true);
    expect(macScript('ada', true)).not.toContain(DAEMON);
    expect(spawnSync('sh', ['-n', '-c', s]).status).toBe(0);
    // A user name with a quote cannot break out of its word.
    expect(macScript("o'neil", true)).toContain("-a 'o'\\''neil' -t user");
  });

  it.skipIf(!has('python3'))('writes a property list that parses (python\'s plistlib) and runs the chmod at load', () => {
    const r = spawnSync('python3', ['-c', 'import plistlib, sys, json; print(json.dumps(plistlib.loads(sys.stdin.buffer.read())))'], { input: daemonPlist(), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ Label: 'org.handshakelab.ChmodBPF', ProgramArguments: ['/bin/sh', '-c', `/usr/bin/chgrp ${BPF_GROUP} /dev/bpf* && /bin/chmod g+rw /dev/bpf*`], RunAtLoad: true });
  });

  it('quotes the script as an AppleScript string, and reads Cancel (-128)', () => {
    expect(appleScriptString('a "b" \\c')).toBe('"a \\"b\\" \\\\c"');
    const cmd = macCommand('ada', false);
    expect(cmd.slice(0, 2)).toEqual(['/usr/bin/osascript', '-e']);
    expect(cmd[2]).toMatch(/^do shell script ".*" with prompt ".*" with administrator privileges$/s);
    // The printf of the property list survives both quotings: unquote the AppleScript string, then run it in sh -n.
    const inner = /^do shell script "((?:[^"\\]|\\.)*)"/s.exec(cmd[2])![1].replace(/\\(.)/g, '$1');
    expect(inner).toBe(macScript('ada', false));
    expect(osascriptOutcome(1, '0:163: execution error: User canceled. (-128)\n').outcome).toBe('cancelled');
    expect(osascriptOutcome(0, '').outcome).toBe('enabled');
    expect(osascriptOutcome(1, 'execution error: chgrp: /dev/bpf0: Operation not permitted (1)').outcome).toBe('failed');
  });
});

describe('Windows: Npcap, installed by its own installer', () => {
  it('detects Npcap by its wpcap.dll and points to its download page', () => {
    const files = new Set(['C:\\Windows\\System32\\Npcap\\wpcap.dll']);
    expect(npcapInstalled({ SystemRoot: 'C:\\Windows' }, (p) => files.has(p))).toBe(true);
    expect(npcapInstalled({ SystemRoot: 'D:\\Win' }, (p) => files.has(p))).toBe(false);
    expect(windowsAdvice(false)).toMatch(/^install Npcap \(with "Support loopback traffic" ticked\)/);
    expect(windowsAdvice(true)).toMatch(/Restrict Npcap driver's access to Administrators only/);
    expect(NPCAP_URL).toBe('https://npcap.com/#download');
  });
});

describe('dumpcap through its group until the user logs in again', () => {
  const facts: LaunchFacts = { executable: false, fileGroup: { gid: 120, name: 'wireshark' }, processGroups: [1000], user: 'ada', memberOf: ['wireshark'], sg: '/usr/bin/sg' };

  it('uses sg only where dumpcap is the group\'s, the user was added to it, and this process lacks it', () => {
    expect(dumpcapLaunch('/usr/bin/dumpcap', ['-D'], facts)).toEqual({ command: '/usr/bin/sg', args: ['wireshark', '-c', 'exec /usr/bin/dumpcap -D'], via: 'group', group: 'wireshark' });
    expect(dumpcapLaunch('/usr/bin/dumpcap', ['-D'], { ...facts, executable: true }).via).toBe('direct');
    expect(dumpcapLaunch('/usr/bin/dumpcap', ['-D'], { ...facts, processGroups: [1000, 120] }).via).toBe('direct');
    expect(dumpcapLaunch('/usr/bin/dumpcap', ['-D'], { ...facts, memberOf: [] }).via).toBe('direct');
    expect(dumpcapLaunch('/usr/bin/dumpcap', ['-D'], { ...facts, sg: null }).via).toBe('direct');
  });

  it('quotes every argument for sg\'s shell (a capture filter with spaces and quotes stays one word)', () => {
    const args = ['-i', 'lo', '-f', "tcp port 80 and host 'x'", '-w', '-'];
    const launch = dumpcapLaunch('/opt/my dumpcap/dumpcap', args, facts);
    const r = spawnSync('sh', ['-c', launch.args[2].replace(/^exec /, 'printf "%s\\n" ')], { encoding: 'utf8' });
    expect(r.stdout.split('\n').slice(0, -1)).toEqual(['/opt/my dumpcap/dumpcap', ...args]);
    expect(shellQuote('plain-word_1.2:3')).toBe('plain-word_1.2:3');
  });

  it('reads group membership from the group database', () => {
    const db = 'root:x:0:\nwireshark:x:120:ada,bob\nlab:x:121:bob\nada:x:1000:\n';
    expect(groupDb(db, 'ada', 120)).toEqual({ memberOf: ['wireshark'], name: 'wireshark' });
    expect(groupDb(db, 'bob', 121)).toEqual({ memberOf: ['wireshark', 'lab'], name: 'lab' });
    expect(groupDb(db, 'eve', 999)).toEqual({ memberOf: [], name: null });
  });
});
