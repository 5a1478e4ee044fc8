// The renderer's files once cached are answered without waiting for the disk (main/serve/static-files.ts):
// a GET / under a class's load must not queue behind the file-system thread pool. A change on disk is
// still noticed: the check runs alongside, and the request after it gets the new state.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StaticFiles } from '../../main/serve/static-files';
import { httpGet } from '../helpers/ws-api';

const root = mkdtempSync(join(tmpdir(), 'hl-static-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('static files under load', () => {
  it('answers a cached page without waiting for the disk check, and serves what the check found from the next request on', async () => {
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>one</title>');
    const files = new StaticFiles(root, {});
    const server = createServer((req, res) => void files.serve(req, res, new URL(req.url ?? '/', 'http://x').pathname));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      expect((await httpGet(port, '/')).body.toString()).toContain('one');
      // Gone from the disk, a few seconds later: the cached page is answered at once while the check runs...
      rmSync(join(root, 'index.html'));
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 5000);
      const stale = await httpGet(port, '/');
      expect(stale.status).toBe(200);
      expect(stale.body.toString()).toContain('one');
      // ...and once the check has found it gone, it is not served any more.
      await expect.poll(async () => (await httpGet(port, '/')).status).toBe(404);
      // A new build is served (and cached) as soon as it is there.
      writeFileSync(join(root, 'index.html'), '<!doctype html><title>two</title>');
      expect((await httpGet(port, '/')).body.toString()).toContain('two');
    } finally {
      vi.useRealTimers();
      await new Promise((r) => server.close(r));
    }
  });
});
