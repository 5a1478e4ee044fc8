// The program behind each connection: `watch --once --json` names a Python server and a curl client this
// test starts, with their pids, as ss -tanp (the kernel's sock_diag, not /proc) does; a user who may not
// see them gets pid null and "unknown". The parsers of the other platforms' tools (lsof, netstat, tasklist)
// are checked on their output: lsof's field format is the same on Linux, so it is checked on the real one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cliBuilt } from '../helpers/cli';
import { PYTHON, serverAndClient, type ServerAndClient } from '../helpers/server-and-client';
import { linuxSockets, parseProcNetTcp, procAddress } from '../../main/capture/sockets/linux-proc';
import { parseLsof } from '../../main/capture/sockets/macos-lsof';
import { parseNetstat, parseTasklist } from '../../main/capture/sockets/windows-netstat';
import { parseSsTanp } from '../../main/capture/sockets/ss';
import { endpoint, splitEndpoint, stateName, type KernelSocket } from '../../main/capture/sockets/common';

const BIN = join(__dirname, '..', '..', 'bin', 'handshake-lab.js');
const has = (cmd: string, args = ['--version']) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const linux = process.platform === 'linux';
const why = !linux ? 'not Linux' : !cliBuilt ? 'the CLI is not built' : !PYTHON ? 'no python3' : !has('curl') ? 'no curl' : !has('ss', ['-V']) ? 'no ss' : '';
if (why) console.log(`skipping the live socket-owner tests: ${why}`);

describe('endpoints and states as the engine writes them', () => {
  it('reads /proc/net/tcp addresses (host-order words), IPv6 compressed, IPv4-mapped as IPv4', () => {
    expect(procAddress('0100007F:3039')).toBe('127.0.0.1:12345');
    expect(procAddress('00000000000000000000000001000000:1F90')).toBe('[::1]:8080');
    expect(procAddress('0000000000000000FFFF00000100007F:0050')).toBe('127.0.0.1:80');
    expect(procAddress('B80D0120000000000000000001000000:01BB')).toBe('[2001:db8::1]:443');
    expect(splitEndpoint('*:22')).toBe('0.0.0.0:22');
    expect(splitEndpoint('[::ffff:127.0.0.1]:80')).toBe('127.0.0.1:80');
    expect(splitEndpoint('[fe80::1%lo]:80')).toBe('[fe80::1]:80');
    expect(endpoint('::', 80)).toBe('[::]:80');
    expect(['ESTAB', 'SYN-RECV', 'FIN_WAIT_1', 'TIME-WAIT', 'LISTENING', 'SYN_RCVD', 'CLOSE'].map(stateName)).toEqual(['ESTABLISHED', 'SYN_RECEIVED', 'FIN_WAIT_1', 'TIME_WAIT', 'LISTEN', 'SYN_RECEIVED', 'CLOSED']);
  });

  it('parses /proc/net/tcp rows: LISTEN with a wildcard remote, TIME_WAIT without an inode', () => {
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1601 1 0000000000000000 100 0 0 10 0',
      '   1: 0100007F:8A1F 0100007F:1F90 06 00000000:00000000 03:0000002A 00000000     0        0 0 3 0000000000000000',
    ].join('\n');
    expect(parseProcNetTcp(text)).toEqual([
      { local: '127.0.0.1:8080', remote: '0.0.0.0:*', state: 'LISTEN', inode: 1601 },
      { local: '127.0.0.1:35359', remote: '127.0.0.1:8080', state: 'TIME_WAIT', inode: 0 },
    ]);
  });
});

describe('macOS: lsof -nP -iTCP +c0 -FpcnT', () => {
  it('parses processes, their sockets and states, IPv6, listening sockets', () => {
    // As macOS's lsof writes it: f lines per file, T lines per TCP detail.
    const text = ['p501', 'cPython', 'f3', 'n*:8000', 'TST=LISTEN', 'TQR=0', 'TQS=0', 'f4', 'n127.0.0.1:8000->127.0.0.1:52000', 'TST=ESTABLISHED',
      'p777', 'cGoogle Chrome He', 'f21', 'n[::1]:52001->[::1]:9000', 'TST=SYN_SENT', 'f22', 'n[fe80::1%lo0]:5353', 'TST=CLOSED', ''].join('\n');
    expect(parseLsof(text)).toEqual([
      { local: '0.0.0.0:8000', remote: '0.0.0.0:*', state: 'LISTEN', pid: 501, program: 'Python' },
      { local: '127.0.0.1:8000', remote: '127.0.0.1:52000', state: 'ESTABLISHED', pid: 501, program: 'Python' },
      { local: '[::1]:52001', remote: '[::1]:9000', state: 'SYN_SENT', pid: 777, program: 'Google Chrome He' },
      { local: '[fe80::1]:5353', remote: '[::]:*', state: 'CLOSED', pid: 777, program: 'Google Chrome He' },
    ]);
  });
});

describe('Windows: netstat -ano and tasklist /FO CSV /NH', () => {
  it('parses TCP and TCPv6 rows and names each pid; pid 0 is nobody', () => {
    const netstat = [
      '', 'Active Connections', '', '  Proto  Local Address          Foreign Address        State           PID',
      '  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       948',
      '  TCP    127.0.0.1:8000         127.0.0.1:52000        ESTABLISHED     4242',
      '  TCP    127.0.0.1:52000        127.0.0.1:8000         TIME_WAIT       0',
      '  TCP    [::1]:8000             [::1]:52001            CLOSE_WAIT      4242',
      '  UDP    0.0.0.0:5353           *:*                                    1200',
    ].join('\r\n');
    const names = parseTasklist('"svchost.exe","948","Services","0","12,340 K"\r\n"python.exe","4242","Console","1","9,876 K"\r\n"odd ""quoted"".exe","7","Console","1","1 K"\r\n');
    expect(names.get(7)).toBe('odd "quoted".exe');
    expect(parseNetstat(netstat, names)).toEqual([
      { local: '0.0.0.0:135', remote: '0.0.0.0:*', state: 'LISTEN', pid: 948, program: 'svchost.exe' },
      { local: '127.0.0.1:8000', remote: '127.0.0.1:52000', state: 'ESTABLISHED', pid: 4242, program: 'python.exe' },
      { local: '127.0.0.1:52000', remote: '127.0.0.1:8000', state: 'TIME_WAIT', pid: null, program: 'unknown' },
      { local: '[::1]:8000', remote: '[::1]:52001', state: 'CLOSE_WAIT', pid: 4242, program: 'python.exe' },
    ]);
  });
});

const mine = (list: KernelSocket[], port: number) => list.filter((s) => s.local.endsWith(`:${port}`) || s.remote.endsWith(`:${port}`))
  .sort((a, b) => `${a.state}${a.local}`.localeCompare(`${b.state}${b.local}`));

describe.skipIf(!!why)('which program holds each socket (Linux)', () => {
  let pair: ServerAndClient;
  beforeAll(async () => { pair = await serverAndClient(24803); });
  afterAll(() => pair?.stop());

  it('watch --once --json names the Python server and the curl client started here, with their pids', () => {
    const r = spawnSync(process.execPath, [BIN, 'watch', '--once', '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const { connections } = JSON.parse(r.stdout) as { connections: KernelSocket[] };
    for (const c of connections) expect(Object.keys(c)).toEqual(['local', 'remote', 'state', 'pid', 'program']);
    const got = mine(connections, pair.port);
    const client = got.find((s) => s.remote === `127.0.0.1:${pair.port}`)!;
    expect(got).toHaveLength(3);
    expect(got).toEqual(expect.arrayContaining([
      { local: client.local, remote: `127.0.0.1:${pair.port}`, state: 'ESTABLISHED', pid: pair.client.pid, program: 'curl' },
      { local: `127.0.0.1:${pair.port}`, remote: client.local, state: 'ESTABLISHED', pid: pair.server.pid, program: expect.stringMatching(/^python/) },
      { local: `127.0.0.1:${pair.port}`, remote: '0.0.0.0:*', state: 'LISTEN', pid: pair.server.pid, program: expect.stringMatching(/^python/) },
    ]));
  });

  it('agrees with ss -tanp (sock_diag), and the lsof parser with the real lsof', async () => {
    const ss = mine(parseSsTanp(spawnSync('ss', ['-tanp'], { encoding: 'utf8' }).stdout), pair.port);
    expect(mine(await linuxSockets(), pair.port)).toEqual(ss);
    if (has('lsof', ['-v'])) {
      const lsof = spawnSync('lsof', ['-nP', `-iTCP:${pair.port}`, '+c0', '-FpcnT'], { encoding: 'utf8' }).stdout;
      expect(mine(parseLsof(lsof), pair.port)).toEqual(ss);
    }
  });

  it.skipIf(process.getuid?.() !== 0 || !has('setpriv', ['--version']))('to a user who may not see them, the programs are "unknown" with pid null', () => {
    const r = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, BIN, 'watch', '--once', '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const got = mine((JSON.parse(r.stdout) as { connections: KernelSocket[] }).connections, pair.port);
    expect(got).toHaveLength(3);
    for (const s of got) expect({ pid: s.pid, program: s.program }).toEqual({ pid: null, program: 'unknown' });
  });
});

describe.skipIf(!cliBuilt)('watch --once: argument errors', () => {
  it('--json needs --once; --once captures nothing, so takes no interface', () => {
    const run = (args: string[]) => spawnSync(process.execPath, [BIN, 'watch', ...args], { encoding: 'utf8' }).stderr;
    expect(run(['--json'])).toBe('handshake-lab: watch: --json goes with --once (a snapshot); the live view has no JSON form\n');
    expect(run(['--once', 'lo'])).toMatch(/--once lists the kernel's sockets and captures nothing/);
  });
});
