// "Allow capture": the one action that gives capture rights to Wireshark's dumpcap (never to Handshake Lab,
// node or Electron), with the operating system's own elevation prompt. Which command that is, per OS, is
// decided here (linux.ts, macos.ts, windows.ts); the app shows the button when there is one.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { EnableCaptureResult } from '../../api/types';
import { findDumpcap } from '../dumpcap-path';
import { linuxFacts, linuxPlan, pkexecOutcome } from './linux';
import { WIRESHARK_DAEMON, macCommand, osascriptOutcome } from './macos';
import { NPCAP_URL, npcapInstalled, windowsAdvice } from './windows';

export type EnablePlan =
  | { kind: 'elevate'; platform: 'linux' | 'darwin'; command: string[] }
  | { kind: 'install'; url: string; message: string }
  | { kind: 'none'; why: string };

/** What "Allow capture" would do on this system. */
export function enableCapturePlan(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): EnablePlan {
  const user = userInfo().username;
  switch (platform) {
    case 'linux': {
      const plan = linuxPlan(linuxFacts(findDumpcap(env), user, env));
      return 'problem' in plan ? { kind: 'none', why: plan.problem } : { kind: 'elevate', platform, command: plan.command };
    }
    case 'darwin':
      if (process.getuid?.() === 0) return { kind: 'none', why: 'this process runs as root and may capture already' };
      return existsSync('/usr/bin/osascript') ? { kind: 'elevate', platform, command: macCommand(user, existsSync(WIRESHARK_DAEMON)) } : { kind: 'none', why: 'osascript is missing' };
    case 'win32': {
      return { kind: 'install', url: NPCAP_URL, message: windowsAdvice(npcapInstalled(env)) };
    }
    default:
      return { kind: 'none', why: `Handshake Lab cannot give capture rights on ${platform}` };
  }
}

/** Runs `command` (the elevation prompt and what it grants); resolves with its exit code and errors. */
function run(command: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    // No time limit: the user may take a while to type a password.
    execFile(command[0], command.slice(1), { windowsHide: true, maxBuffer: 1 << 20 }, (error, _stdout, stderr) => {
      const e = error as (NodeJS.ErrnoException & { code?: string | number }) | null;
      resolve({ code: !e ? 0 : typeof e.code === 'number' ? e.code : null, stderr: `${stderr}${e && typeof e.code === 'string' ? ` (${e.code}: ${e.message})` : ''}` });
    });
  });
}

/** Does what the plan says; the capture part of the result is filled in by the caller (it re-checks). */
export async function enableCapture(plan: EnablePlan = enableCapturePlan(), log: (line: string) => void = () => undefined): Promise<Omit<EnableCaptureResult, 'capture'>> {
  if (plan.kind === 'none') return { outcome: plan.why.includes('may capture already') ? 'not_needed' : 'failed', message: plan.why };
  if (plan.kind === 'install') return { outcome: 'install', message: plan.message, url: plan.url };
  log(`asking the system to give dumpcap its capture rights (${plan.command[0]})`);
  const r = await run(plan.command);
  const result = plan.platform === 'linux' ? pkexecOutcome(r.code, r.stderr) : osascriptOutcome(r.code, r.stderr);
  log(`capture rights: ${result.outcome}: ${result.message}`);
  return result;
}
