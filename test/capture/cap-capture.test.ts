// Live capture's error paths, as users meet them: no such interface, a bad BPF filter, no permission.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CapCapture, classify } from '../../main/capture/cap-capture';
import { ApiError } from '../../main/api/contract';

const cap = new CapCapture();
const root = process.getuid?.() === 0;
const available = (await cap.availability()).available;
const canCapture = root && available;
if (!canCapture) console.log(`skipping live capture error tests: ${root ? 'the cap module is not available' : 'not root'}`);

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

const events = { frames: () => undefined, stats: () => undefined, error: () => undefined };

describe('in-process capture (cap)', () => {
  it.skipIf(!canCapture)('lists interfaces with loopback first, with its addresses', async () => {
    const list = await cap.listInterfaces();
    expect(list[0]).toMatchObject({ name: 'lo', loopback: true });
    expect(list[0].addresses).toContain('127.0.0.1');
    expect(list.filter((i) => i.loopback).length).toBe(1);
  });

  it.skipIf(!canCapture)('says when there is no such interface', async () => {
    const e = await failure(cap.start({ interface: 'nosuch0', filter: '', snaplen: 65535 }, events));
    expect(e.code).toBe('no_such_interface');
    expect(e.message).toMatch(/no interface named nosuch0; available: .*\blo\b/);
  });

  it.skipIf(!canCapture)('says when the BPF filter is invalid, with libpcap\'s reason', async () => {
    for (const filter of ['tcp port', 'tcp and', 'host 999.1.1.1', 'bogus']) {
      const e = await failure(cap.start({ interface: 'lo', filter, snaplen: 65535 }, events));
      expect(e.code, filter).toBe('bad_filter');
      expect(e.message).toContain(`invalid capture filter "${filter}"`);
    }
    // The process survives the failed opens (and a garbage collection after them).
    (globalThis as { gc?: () => void }).gc?.();
    const s = await cap.start({ interface: 'lo', filter: 'tcp port 24099', snaplen: 65535 }, events);
    expect(s.linktype).toBe(1);
    expect((await s.stop()).captured).toBe(0);
  });

  it('maps libpcap\'s permission errors to permission_denied with help', () => {
    // The message libpcap gives an unprivileged user on Linux (recorded with setpriv --reuid=nobody).
    const e = classify('socket: Operation not permitted', 'lo');
    expect(e.code).toBe('permission_denied');
    expect(e.message).toMatch(/no permission to capture on lo/);
    // The command to give dumpcap the rights: Debian's own for its packaged dumpcap, setcap elsewhere.
    expect(e.message).toMatch(/setcap cap_net_raw,cap_net_admin=eip|sudo dpkg-reconfigure wireshark-common/);
    expect(classify('No such device exists', 'x').code).toBe('no_such_interface');
  });

  const cli = join(__dirname, '..', '..', 'out', 'main', 'cli.js');
  const chunks = join(__dirname, '..', '..', 'out', 'main', 'chunks');
  const built = existsSync(cli) && existsSync(chunks) && readdirSync(chunks).some((f) => readFileSync(join(chunks, f), 'utf8').includes('capturing on loopback with filter'));
  const setpriv = spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status === 0;
  it.skipIf(!root || !built || !setpriv)('an unprivileged user gets exit code 2 and what to do (built CLI)', () => {
    const r = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '--inh-caps=-all', process.execPath, cli, 'experiment', '--port', '24051'], { encoding: 'utf8', env: { ...process.env, HANDSHAKE_LAB_DATA_DIR: '/tmp' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no permission to capture on lo/);
    expect(r.stderr).toMatch(/setcap|dpkg-reconfigure wireshark-common/);
  });
});
