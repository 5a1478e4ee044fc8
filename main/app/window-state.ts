// The main window's size and place, remembered between runs in a JSON file in Electron's userData
// folder. A saved place on a screen that is no longer attached is dropped, so the window never opens
// off-screen. Plain Node (tested without Electron).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Rect { x: number; y: number; width: number; height: number }
export interface WindowState { width: number; height: number; x?: number; y?: number; maximized?: boolean; fullScreen?: boolean }

export const DEFAULT_WINDOW: WindowState = { width: 1280, height: 820 };
const MIN = { width: 640, height: 480 };

export function readWindowState(file: string): WindowState {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return { ...DEFAULT_WINDOW };
  }
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const int = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 100_000 ? v : undefined);
  const width = int(o.width);
  const height = int(o.height);
  if (width === undefined || height === undefined) return { ...DEFAULT_WINDOW };
  const s: WindowState = { width: Math.max(MIN.width, width), height: Math.max(MIN.height, height) };
  const x = int(o.x);
  const y = int(o.y);
  if (x !== undefined && y !== undefined) { s.x = x; s.y = y; }
  if (o.maximized === true) s.maximized = true;
  if (o.fullScreen === true) s.fullScreen = true;
  return s;
}

/** Fits a saved state to the screens there are now (their work areas). */
export function fitToDisplays(state: WindowState, workAreas: Rect[]): WindowState {
  if (!workAreas.length) return state;
  const s = { ...state };
  if (s.x !== undefined && s.y !== undefined) {
    const r = { x: s.x, y: s.y, width: s.width, height: s.height };
    // Keep the place only if a good part of the title bar area is on some screen.
    const visible = workAreas.some((a) => overlap(r.x, r.width, a.x, a.width) >= Math.min(100, r.width) && r.y >= a.y && r.y < a.y + a.height - 40);
    if (!visible) { delete s.x; delete s.y; }
  }
  const biggest = workAreas.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
  s.width = Math.min(s.width, biggest.width);
  s.height = Math.min(s.height, biggest.height);
  return s;
}

export function writeWindowState(file: string, state: WindowState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  // Write then rename: a crash mid-write leaves the old file, never half a JSON.
  writeFileSync(tmp, JSON.stringify(state) + '\n');
  renameSync(tmp, file);
}

function overlap(a: number, aw: number, b: number, bw: number): number {
  return Math.max(0, Math.min(a + aw, b + bw) - Math.max(a, b));
}
