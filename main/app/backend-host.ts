// Entry of the back-end host: an Electron utility process (forked by main/app/index.ts) that runs the
// Service: file loading, decoding, the frame store and live capture (frames from the dumpcap helper
// process). Keeping them here means a capture burst or a crash never freezes or kills the window.
import type { LiveCapture } from '../capture/live-capture';
import { tmpdir } from 'node:os';
import { Service } from '../backend/service';
import { removeStalePlainCopyDirs } from '../backend/plain-copies';
import { hostService } from './backend-host-core';
import type { FromHost, ToHost } from './backend-protocol';

const parent = process.parentPort;
const post = (msg: FromHost) => parent.postMessage(msg);
const log = (line: string) => post({ type: 'log', line });

// Listen at once: main may send requests while capture is still being set up, and a message with no listener is lost.
const early: ToHost[] = [];
let handler: ((msg: ToHost) => void) | null = null;
parent.on('message', (e) => {
  const msg = e.data as ToHost;
  if (handler) handler(msg);
  else early.push(msg);
});

/**
 * Live capture through Wireshark's dumpcap, a separate helper process: this utility process (forked from
 * the Electron binary) never captures itself, so neither it nor Electron ever needs capabilities. Only
 * without dumpcap does it fall back to cap in-process (macOS/Windows, where capture rights belong to the user).
 */
async function loadCapture(): Promise<LiveCapture | null> {
  try {
    const { chooseCapture, chooseCaptureSource } = await import('../capture/choose-capture');
    log(`live capture: ${chooseCaptureSource({ preferHelper: true }).why}`);
    return chooseCapture({ preferHelper: true });
  } catch (e) {
    log(`live capture disabled: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
}

// Decompressed copies of .gz captures that a killed app (or server) left behind.
for (const dir of removeStalePlainCopyDirs(tmpdir())) log(`removed a decompressed copy left by a process that is gone: ${dir}`);
const capture = await loadCapture();
const service = new Service({
  transport: 'ipc',
  capture,
  log,
  // Lesson progress lives in the user data folder (main passes it).
  ...(process.env.HANDSHAKE_LAB_PROGRESS_DIR ? { progressDir: process.env.HANDSHAKE_LAB_PROGRESS_DIR } : {}),
  // The person at this computer may give dumpcap its rights ("Allow capture", with the system's prompt).
  canEnableCapture: true,
  ...(process.env.HANDSHAKE_LAB_LOCALE ? { locale: process.env.HANDSHAKE_LAB_LOCALE } : {}),
});
hostService(
  {
    postMessage: post,
    onMessage: (h) => {
      handler = h;
      for (const msg of early.splice(0)) h(msg);
    },
  },
  service,
  { onDisposed: () => process.exit(0) },
);
post({ type: 'ready', capture: capture ? (await capture.availability()).available : false });
