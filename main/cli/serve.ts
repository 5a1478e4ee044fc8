// handshake-lab serve: the whole app in a browser (HTTP + WebSocket), for classrooms, headless lab
// machines and end-to-end tests.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ApiError } from '../api/contract';
import { appDataDir } from '../backend/data-dir';
import { limitsWith, type Limits } from '../backend/limits';
import { isLoopbackAddress } from '../backend/net-address';
import { Service } from '../backend/service';
import { removeStaleUploadDirs } from '../backend/uploads';
import { removeStalePlainCopyDirs } from '../backend/plain-copies';
import { chooseCapture, CAPTURE_ENV } from '../capture/choose-capture';
import { findDumpcap } from '../capture/dumpcap-path';
import { HelperCapture } from '../capture/helper-capture';
import type { LiveCapture } from '../capture/live-capture';
import { makeUploadDir, removeUploadDir, startServer } from '../serve/server';
import { rendererDir } from '../serve/renderer-dir';
import { parseArgs } from './args';
import { UsageError, type Command } from './command';
import { openBrowser } from './open-browser';
import { tolerateClosedOutput } from './output';

const help = `usage: handshake-lab serve [--port N] [--host ADDR] [--open FILE] [--capture IFACE] [--lessons DIR] [options]

Serves Handshake Lab to a browser: the app's pages and its API (WebSocket) on
127.0.0.1, at a random port unless --port is given. It prints two URLs, each
with a random token: the teacher's (full control) and the class URL for
students (lessons, their own uploads, what the teacher shares; no capture, no
server files). Requests without a token are refused, and so are WebSockets
opened from pages of other sites.

  --port N              listen on port N (default: a free port)
  --host ADDR           listen on ADDR instead of 127.0.0.1, e.g. a classroom network address
  --open FILE           open a capture file at start and share it with the class
  --capture IFACE       start a live capture on IFACE at start and share it (e.g. lo)
  --lessons DIR         also offer the lessons in DIR (a teacher's own; files with
                        problems are listed with the reasons)
  --experiment-ports L  ports experiments may use, e.g. 12345,20000 (default 12345)
  --max-upload MB       largest file a browser may upload (default 256)
  --upload-quota MB     all uploads stored at once (default 2048)
  --session-uploads N   uploads one session keeps (default 20): at that number
                        its oldest one no open capture reads goes
  --upload-files N      uploads the server keeps at once (default 1000)
  --upload-memory MB    memory that captures opened from browsers may hold at
                        once, at 128 bytes a frame and 3 KB a connection
                        (default 1024): a load past it stops, no more open
  --capture-limit MB    a live capture stops at this size (default 1024)
  --capture-seconds S   a live capture stops after S seconds (default: no limit)
  --autosave-files N    autosaved captures kept, oldest removed first (default 50)
  --autosave-size MB    total size of autosaved captures kept (default 2048)
  --include-own-traffic capture this server's own port too (left out by default)
  --allow-root          run as root anyway (capture then goes through dumpcap only)
  --no-open-browser     print the URLs without opening a browser

Stops on Ctrl-C.`;

const MiB = 1024 * 1024;

function positive(flags: Record<string, unknown>, name: string): number | undefined {
  const v = flags[name] as number | undefined;
  if (v !== undefined && !(v > 0)) throw new UsageError(`serve: --${name} must be a positive number`);
  return v;
}

function limitsFrom(flags: Record<string, unknown>): Partial<Limits> {
  const out: Partial<Limits> = {};
  const mb = (name: string) => { const v = positive(flags, name); return v === undefined ? undefined : Math.round(v * MiB); };
  const set = <K extends keyof Limits>(k: K, v: Limits[K] | undefined) => { if (v !== undefined) out[k] = v; };
  set('uploadFileBytes', mb('max-upload'));
  set('uploadTotalBytes', mb('upload-quota'));
  set('uploadMemoryBytes', mb('upload-memory'));
  set('captureBytes', mb('capture-limit'));
  set('autosaveBytes', mb('autosave-size'));
  set('captureSeconds', positive(flags, 'capture-seconds'));
  const count = (name: string) => { const v = positive(flags, name); return v === undefined ? undefined : Math.max(1, Math.floor(v)); };
  set('uploadsPerSession', count('session-uploads'));
  set('uploadFiles', count('upload-files'));
  const files = positive(flags, 'autosave-files');
  if (files !== undefined) set('autosaveFiles', Math.floor(files));
  return out;
}

function portList(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const ports = text.split(',').map((p) => Number(p.trim()));
  if (!ports.length || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) throw new UsageError(`serve: --experiment-ports needs ports 1..65535 separated by commas, got '${text}'`);
  return ports;
}

/** As root, capture only through the dumpcap helper: never parse packets in a process holding every privilege's capture rights in-process. */
function captureFor(root: boolean, log: (line: string) => void): LiveCapture {
  if (!root) return chooseCapture();
  if (process.env[CAPTURE_ENV] === 'cap') log(`${CAPTURE_ENV}=cap ignored: as root, serve captures through dumpcap only`);
  return new HelperCapture(findDumpcap());
}

export const serveCommand: Command = {
  help,
  async run(args) {
    const { flags } = parseArgs('serve', args, {
      values: {
        port: 'number', host: 'string', open: 'string', capture: 'string', lessons: 'string', 'max-upload': 'number', 'upload-quota': 'number', 'upload-memory': 'number',
        'session-uploads': 'number', 'upload-files': 'number',
        'capture-limit': 'number', 'capture-seconds': 'number', 'autosave-files': 'number', 'autosave-size': 'number', 'experiment-ports': 'string',
      },
      booleans: ['no-open-browser', 'allow-root', 'include-own-traffic'],
    });
    const port = flags.port as number | undefined;
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new UsageError(`serve: --port must be 0..65535, got ${port}`);
    const root = process.geteuid?.() === 0;
    if (root && !flags['allow-root']) {
      throw new UsageError('serve: refusing to run as root: it parses packets from the network and serves them to browsers. Run it as your normal user (capture through dumpcap: see the README\'s "Capture permissions"), or pass --allow-root to run it as root anyway (capture then goes through dumpcap only)');
    }
    const host = (flags.host as string | undefined) ?? '127.0.0.1';
    const limits = limitsWith(limitsFrom(flags));
    const experimentPorts = portList(flags['experiment-ports'] as string | undefined);
    const rendererRoot = rendererDir();
    if (!rendererRoot) throw new UsageError('serve: the app\'s pages are not built (out/renderer); run `npm run build`');
    // While --open's file loads, its problem is said once, as the error serve stops with.
    let opening = false;
    const log = (line: string) => { if (!opening) process.stderr.write(`handshake-lab serve: ${line}\n`); };
    // Uploads of servers that were killed are not left behind for ever.
    for (const dir of removeStaleUploadDirs(tmpdir())) log(`removed the upload folder of a server that is gone: ${dir}`);
    for (const dir of removeStalePlainCopyDirs(tmpdir())) log(`removed a decompressed copy left by a process that is gone: ${dir}`);
    const uploadDir = makeUploadDir();
    const dataDir = appDataDir();
    if (root) log('running as root (--allow-root): live capture goes through dumpcap only');
    const extraLessonDirs = flags.lessons === undefined ? [] : [String(flags.lessons)];
    // "Allow capture" (the system's password prompt on this machine) only for the teacher on this machine.
    const service = new Service({
      transport: 'websocket', capture: captureFor(root, log), dataDir, log, uploadDir, limits, extraLessonDirs,
      canEnableCapture: isLoopbackAddress(host), ...(experimentPorts ? { experimentPorts } : {}),
    });
    service.captures.includeOwnTraffic = flags['include-own-traffic'] === true;
    const openFile = flags.open as string | undefined;
    if (openFile) {
      opening = true;
      const p = await service.openFile(openFile).catch((e: unknown) => ({ error: { message: e instanceof Error ? e.message : String(e) }, frames: 0 }));
      opening = false;
      const problem = p.error ? p.error.message.replace(`${resolve(openFile)}: `, '').replace(`${openFile}: `, '') : null;
      if (problem && !p.frames) {
        await service.dispose(0);
        removeUploadDir(uploadDir);
        throw new UsageError(`serve: cannot open ${openFile}: ${problem}`);
      }
      // A damaged capture's good frames are served, as decode prints them.
      if (problem) process.stderr.write(`handshake-lab serve: ${openFile}: ${problem} (serving the ${p.frames} frames before it)\n`);
      service.shareLocal(true);
    }
    let server;
    try {
      server = await startServer({ service, host, port, rootDir: rendererRoot, log });
    } catch (e) {
      removeUploadDir(uploadDir);
      await service.dispose(0);
      throw new UsageError(`serve: cannot listen on ${host}${port ? ` port ${port}` : ''}: ${e instanceof Error ? e.message : String(e)}`);
    }
    // Whoever reads our output may go away; the server keeps serving without it.
    const untolerate = tolerateClosedOutput();
    // Ctrl-C from the first line on stops cleanly (a capture starting meanwhile is stopped too).
    const stopRequested = new Promise<void>((resolveStop) => {
      const onSignal = () => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        // A second signal ends it at once.
        process.once('SIGINT', () => process.exit(130));
        process.once('SIGTERM', () => process.exit(143));
        resolveStop();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
    process.stdout.write(`Handshake Lab is serving at ${server.url}\n`);
    process.stdout.write(`Class URL for students: ${server.classUrl}\n`);
    if (!isLoopbackAddress(host)) process.stdout.write(`Listening on ${host}: anyone with a URL (and its token) can use the app; students get the class URL.\n`);
    process.stdout.write('Press Ctrl-C to stop.\n');
    let redirect: string | null = null;
    const stop = async () => {
      // SIGTERM must end the server within 2 s: a capture gets a moment to write its last frames, no more
      // (its dumpcap helper's watchdog kills it once this process is gone).
      await service.dispose(1200);
      await server.close();
      removeUploadDir(uploadDir);
      if (redirect) rmSync(redirect, { force: true });
    };
    try {
      if (openFile) process.stdout.write(`Opened ${openFile}: ${service.frames.total} frames (shared with the class)\n`);
      if (flags.capture) {
        const st = await service.handle('startCapture', { interface: flags.capture as string }, { id: 'cli', emit: () => undefined });
        service.shareLocal(false);
        process.stdout.write(`Capturing on ${st.interface} (autosave: ${st.file}), shared with the class\n`);
      }
      service.detach('cli');
    } catch (e) {
      await stop();
      throw new UsageError(`serve: ${e instanceof ApiError ? e.message : e instanceof Error ? e.message : String(e)}`);
    }
    if (!flags['no-open-browser']) redirect = openBrowser(server.url, join(dataDir, 'runtime'));
    if (!flags['no-open-browser'] && !redirect) process.stdout.write(`No browser can be opened here (no display): open this URL: ${server.url}\n`);
    await stopRequested;
    process.stdout.write('Stopping.\n');
    await stop();
    untolerate();
    // Nothing may keep the process alive after it has stopped serving (a helper's pipe, a slow socket).
    setTimeout(() => process.exit(process.exitCode ?? 0), 200).unref();
    return 0;
  },
};
