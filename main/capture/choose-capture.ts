// Which live capture source to use. In-process `cap` only where this process may already capture
// (root, or a process that was given the capabilities); otherwise Wireshark's dumpcap as a helper
// process, so capture privileges stay with dumpcap and never go to node or Electron.
import { readFileSync } from 'node:fs';
import { CapCapture, capLoadable } from './cap-capture';
import { findDumpcap } from './dumpcap-path';
import { HelperCapture } from './helper-capture';
import type { LiveCapture } from './live-capture';

/** `helper` or `cap` forces that source (tests exercise both); anything else chooses. */
export const CAPTURE_ENV = 'HANDSHAKE_LAB_CAPTURE';

export type CaptureSource = 'cap' | 'helper';

const CAP_NET_ADMIN = 12n;
const CAP_NET_RAW = 13n;

/**
 * Whether this process may open capture devices itself. Linux: its effective capabilities include
 * CAP_NET_RAW and CAP_NET_ADMIN (root has them). Elsewhere capture rights belong to the user (BPF
 * device access on macOS, Npcap on Windows), so any process of a user who may capture can.
 */
export function canCaptureInProcess(platform: NodeJS.Platform = process.platform, status?: string): boolean {
  if (platform !== 'linux') return true;
  let text = status;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/status', 'utf8');
    } catch {
      return process.geteuid?.() === 0;
    }
  }
  const m = /^CapEff:\s*([0-9a-f]+)/im.exec(text);
  if (!m) return process.geteuid?.() === 0;
  const eff = BigInt(`0x${m[1]}`);
  return ((eff >> CAP_NET_RAW) & 1n) === 1n && ((eff >> CAP_NET_ADMIN) & 1n) === 1n;
}

export interface ChooseOptions {
  /** The Electron back end: use the helper whenever it exists, even if this process could capture. */
  preferHelper?: boolean;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** For tests: the facts the choice depends on. */
  facts?: { inProcess: boolean; dumpcap: string | null; capLoadable: boolean };
}

/** The source to use and why (one English phrase, for logs). */
export function chooseCaptureSource(o: ChooseOptions = {}): { source: CaptureSource; dumpcap: string | null; why: string } {
  const env = o.env ?? process.env;
  const dumpcap = o.facts ? o.facts.dumpcap : findDumpcap(env, o.platform);
  const forced = env[CAPTURE_ENV];
  if (forced === 'helper' || forced === 'cap') return { source: forced, dumpcap, why: `${CAPTURE_ENV}=${forced}` };
  if (o.preferHelper && dumpcap) return { source: 'helper', dumpcap, why: `the capture helper ${dumpcap} (this process never captures itself)` };
  const inProcess = o.facts ? o.facts.inProcess : canCaptureInProcess(o.platform);
  const loadable = o.facts ? o.facts.capLoadable : capLoadable();
  if (inProcess && loadable) return { source: 'cap', dumpcap, why: 'in-process cap (this process may capture)' };
  if (dumpcap) return { source: 'helper', dumpcap, why: `the capture helper ${dumpcap}` };
  // Neither: cap (if it loads) says what is missing when a capture starts, the helper's absence otherwise.
  if (loadable) return { source: 'cap', dumpcap, why: 'in-process cap (no capture helper installed)' };
  return { source: 'helper', dumpcap, why: 'no capture helper installed and no cap module' };
}

/** The LiveCapture to use in this process (see chooseCaptureSource). */
export function chooseCapture(o: ChooseOptions = {}): LiveCapture {
  const c = chooseCaptureSource(o);
  return c.source === 'cap' ? new CapCapture() : new HelperCapture(c.dumpcap);
}
