// handshake-lab serve: the whole app in a browser (HTTP + WebSocket), for classrooms, headless lab
// machines and end-to-end tests.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ApiError } from '../api/contract';
import { capturesDir, appDataDir } from '../backend/data-dir';
import { chooseCapture } from '../capture/choose-capture';
import { Service } from '../backend/service';
import { classroomPolicy, isLoopbackHost, startServer } from '../serve/server';
import { rendererDir } from '../serve/renderer-dir';
import { parseArgs } from './args';
import { UsageError, type Command } from './command';
import { tolerateClosedOutput } from './output';

const help = `usage: handshake-lab serve [--port N] [--host ADDR] [--open FILE] [--capture IFACE] [--lessons DIR] [--no-open-browser]

Serves Handshake Lab to a browser: the app's pages and its API (WebSocket) on
127.0.0.1, at a random port unless --port is given. The printed URL carries a
random token; requests without it are refused, and so are WebSockets opened
from pages of other sites.

  --port N          listen on port N (default: a free port)
  --host ADDR       listen on ADDR instead of 127.0.0.1, e.g. a classroom network
                    address (still token-gated; clients may then open only files
                    they upload, and save only by downloading)
  --open FILE       open a capture file at start
  --capture IFACE   start a live capture on IFACE at start (e.g. lo)
  --max-upload MB   largest file a browser may upload (default 2048)
  --lessons DIR     also offer the lessons in DIR (a teacher's own; files with
                    problems are listed with the reasons)
  --no-open-browser print the URL without opening a browser

Stops on Ctrl-C.`;

/** Asks the system to open `url` in a browser; false where there is none to ask (no display). */
function openBrowser(url: string): boolean {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '""', url] : [url];
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return false;
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}

export const serveCommand: Command = {
  help,
  async run(args) {
    const { flags } = parseArgs('serve', args, {
      values: { port: 'number', host: 'string', open: 'string', capture: 'string', 'max-upload': 'number', lessons: 'string' },
      booleans: ['no-open-browser'],
    });
    const port = flags.port as number | undefined;
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new UsageError(`serve: --port must be 0..65535, got ${port}`);
    const host = (flags.host as string | undefined) ?? '127.0.0.1';
    const maxUploadMb = (flags['max-upload'] as number | undefined) ?? 2048;
    if (!(maxUploadMb > 0)) throw new UsageError('serve: --max-upload must be a positive number of megabytes');
    const root = rendererDir();
    if (!root) throw new UsageError('serve: the app\'s pages are not built (out/renderer); run `npm run build`');
    const uploadDir = mkdtempSync(join(tmpdir(), 'handshake-lab-uploads-'));
    const dataDir = appDataDir();
    const openFile = flags.open as string | undefined;
    // On a shared network, a token holder must not be able to read or write any file of this machine.
    const policy = isLoopbackHost(host) ? {} : classroomPolicy([uploadDir, capturesDir(dataDir)], openFile ? [openFile] : []);
    // While --open's file loads, its problem is said once, as the error serve stops with.
    let opening = false;
    const log = (line: string) => { if (!opening) process.stderr.write(`handshake-lab serve: ${line}\n`); };
    // "Allow capture" (the system's password prompt on this machine) only for a browser on this machine.
    const extraLessonDirs = flags.lessons === undefined ? [] : [String(flags.lessons)];
    const service = new Service({ transport: 'websocket', capture: chooseCapture(), dataDir, log, extraLessonDirs, canEnableCapture: isLoopbackHost(host), ...policy });
    if (openFile) {
      opening = true;
      const p = await service.openFile(openFile).catch((e: unknown) => ({ error: { message: e instanceof Error ? e.message : String(e) }, frames: 0 }));
      opening = false;
      const problem = p.error ? p.error.message.replace(`${resolve(openFile)}: `, '').replace(`${openFile}: `, '') : null;
      if (problem && !p.frames) {
        await service.dispose();
        rmSync(uploadDir, { recursive: true, force: true });
        throw new UsageError(`serve: cannot open ${openFile}: ${problem}`);
      }
      // A damaged capture's good frames are served, as decode prints them.
      if (problem) process.stderr.write(`handshake-lab serve: ${openFile}: ${problem} (serving the ${p.frames} frames before it)\n`);
    }
    let server;
    try {
      server = await startServer({ service, host, port, rootDir: root, uploadDir, maxUploadBytes: maxUploadMb * 1024 * 1024, log });
    } catch (e) {
      rmSync(uploadDir, { recursive: true, force: true });
      throw new UsageError(`serve: cannot listen on ${host}${port ? ` port ${port}` : ''}: ${e instanceof Error ? e.message : String(e)}`);
    }
    // Whoever reads our output may go away; the server keeps serving without it.
    const untolerate = tolerateClosedOutput();
    // Ctrl-C from the first line on stops cleanly (a capture starting meanwhile is stopped too).
    const stopRequested = new Promise<void>((resolveStop) => {
      const onSignal = () => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        resolveStop();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
    process.stdout.write(`Handshake Lab is serving at ${server.url}\n`);
    if (!isLoopbackHost(host)) process.stdout.write(`Listening on ${host}: anyone with this URL (and its token) can use the app.\n`);
    process.stdout.write('Press Ctrl-C to stop.\n');
    const stop = async () => {
      await service.dispose();
      await server.close();
      rmSync(uploadDir, { recursive: true, force: true });
    };
    try {
      if (openFile) process.stdout.write(`Opened ${openFile}: ${service.frames.total} frames\n`);
      if (flags.capture) {
        const st = await service.handle('startCapture', { interface: flags.capture as string }, { id: 'cli', emit: () => undefined });
        service.detach('cli');
        process.stdout.write(`Capturing on ${st.interface} (autosave: ${st.file})\n`);
      }
    } catch (e) {
      await stop();
      throw new UsageError(`serve: ${e instanceof ApiError ? e.message : e instanceof Error ? e.message : String(e)}`);
    }
    if (!flags['no-open-browser'] && !openBrowser(server.url)) process.stdout.write(`No browser can be opened here (no display): open this URL: ${server.url}\n`);
    await stopRequested;
    process.stdout.write('Stopping.\n');
    await stop();
    untolerate();
    return 0;
  },
};
