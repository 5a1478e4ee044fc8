// Host and Origin are compared as parsed URLs (default ports, IPv6 and IPv4-mapped forms), and loopback
// is decided by address, not by how a name is spelt (issue 13, 7).
import { afterAll, describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { isLoopbackAddress } from '../../main/backend/net-address';
import { Service } from '../../main/backend/service';
import { hostAllowed, originAllowed, ownHosts } from '../../main/serve/auth';
import { startServer } from '../../main/serve/server';

const req = (host: string) => ({ headers: { host } }) as unknown as IncomingMessage;

describe('Host and Origin as parsed URLs', () => {
  it('a server on port 80 answers to hosts and origins without a port (the default)', () => {
    const hosts = ownHosts('127.0.0.1', 80);
    for (const h of ['127.0.0.1', '127.0.0.1:80', 'localhost', 'LOCALHOST:80']) expect(hostAllowed(req(h), hosts), h).toBe(true);
    for (const o of ['http://127.0.0.1', 'http://127.0.0.1:80', 'http://localhost']) expect(originAllowed(o, hosts), o).toBe(true);
    expect(hostAllowed(req('127.0.0.1:8080'), hosts)).toBe(false);
    expect(originAllowed('https://127.0.0.1', hosts)).toBe(false);
  });

  it('IPv6 and IPv4-mapped addresses match however they are written', () => {
    const hosts = ownHosts('::ffff:127.0.0.3', 4000);
    for (const h of ['[::ffff:127.0.0.3]:4000', '[::ffff:7f00:3]:4000', '[0:0:0:0:0:ffff:7f00:3]:4000']) expect(hostAllowed(req(h), hosts), h).toBe(true);
    expect(originAllowed('http://[::ffff:7f00:3]:4000', hosts)).toBe(true);
    const v6 = ownHosts('::1', 4000);
    expect(hostAllowed(req('[0:0:0:0:0:0:0:1]:4000'), v6)).toBe(true);
    expect(hostAllowed(req('localhost:4000'), v6)).toBe(true);
  });

  it('refuses other hosts, and hosts that are not plain host:port', () => {
    const hosts = ownHosts('127.0.0.1', 4000);
    for (const h of ['evil.example:4000', '127.0.0.2:4000', '127.0.0.1:4000@evil.example', 'evil@127.0.0.1:4000', '127.0.0.1:4000/x', '', ' 127.0.0.1:4000', '127.0.0.1:4000 x']) {
      expect(hostAllowed(req(h), hosts), JSON.stringify(h)).toBe(false);
    }
    for (const o of ['null', 'http://evil.example:4000', 'file://', 'http://127.0.0.1:4001', 'http://user@127.0.0.1:4000x']) expect(originAllowed(o, hosts), o).toBe(false);
  });
});

describe('loopback by address', () => {
  it('knows 127/8 and ::1 in every spelling, and nothing else', () => {
    for (const a of ['127.0.0.1', '127.9.9.9', '::1', '[::1]', '::ffff:127.0.0.3', '::ffff:7f00:3', '0:0:0:0:0:0:0:1', 'localhost', 'fe80::1%lo'.replace('fe80::1', '::1')]) {
      expect(isLoopbackAddress(a), a).toBe(true);
    }
    for (const a of ['127.evil.example', '127.0.0.1.evil.example', '10.0.0.1', '0.0.0.0', '::', '::ffff:10.0.0.1', 'fe80::1', '', 'localhost.evil', '1.2.7.127']) {
      expect(isLoopbackAddress(a), a).toBe(false);
    }
  });
});

describe('a real server on an IPv4-mapped address', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-auth-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts a WebSocket from its own page however the browser writes the address', async () => {
    mkdirSync(join(dir, 'r'));
    writeFileSync(join(dir, 'r', 'index.html'), 'x');
    const service = new Service({ transport: 'websocket', dataDir: dir, lessonsDir: null, log: () => undefined });
    const server = await startServer({ service, host: '::ffff:127.0.0.3', rootDir: join(dir, 'r'), log: () => undefined });
    try {
      for (const written of ['[::ffff:127.0.0.3]', '[::ffff:7f00:3]']) {
        const ws = new WebSocket(`ws://${written}:${server.port}/ws?token=${server.token}`, { origin: `http://${written}:${server.port}` });
        await new Promise<void>((resolve, reject) => {
          ws.once('open', () => resolve());
          ws.once('unexpected-response', (_q, res) => reject(new Error(`${written}: HTTP ${res.statusCode}`)));
          ws.once('error', reject);
        });
        ws.close();
      }
    } finally {
      await server.close();
      await service.dispose();
    }
  });
});
