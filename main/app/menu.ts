// The native menus, as a template built from plain state and actions (Electron types only, so the
// structure is tested without Electron; index.ts turns it into a Menu).
import type { MenuItemConstructorOptions } from 'electron';
import { basename } from 'node:path';

export interface MenuState {
  platform: NodeJS.Platform;
  /** A live capture or experiment is running. */
  capturing: boolean;
  /** Live capture works in this installation (the dumpcap helper, or cap, is there). */
  captureAvailable: boolean;
  /** There is a capture to save. */
  canSave: boolean;
  recent: string[];
  /** Development build: offer reload and developer tools. */
  dev: boolean;
}

export interface MenuActions {
  open(): void;
  saveAs(): void;
  openRecent(path: string): void;
  clearRecent(): void;
  startCapture(): void;
  stopCapture(): void;
  chooseInterface(): void;
  classicExperiment(): void;
  about(): void;
  capturePermissions(): void;
}

export function menuTemplate(s: MenuState, a: MenuActions): MenuItemConstructorOptions[] {
  const mac = s.platform === 'darwin';
  const recent: MenuItemConstructorOptions[] = s.recent.length
    ? [
      ...s.recent.map((p, i): MenuItemConstructorOptions => ({ label: `${i < 9 ? `&${i + 1} ` : ''}${basename(p).replace(/&/g, '&&')}`, sublabel: p, toolTip: p, click: () => a.openRecent(p) })),
      { type: 'separator' },
      { label: 'Clear Recent', click: () => a.clearRecent() },
    ]
    : [{ label: 'No Recent Files', enabled: false }];
  const about: MenuItemConstructorOptions = { label: 'About Handshake Lab', click: () => a.about() };
  return [
    ...(mac ? [{ label: 'Handshake Lab', submenu: [about, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }] } satisfies MenuItemConstructorOptions] : []),
    {
      label: '&File',
      submenu: [
        { label: '&Open…', accelerator: 'CmdOrCtrl+O', click: () => a.open() },
        { label: 'Open &Recent', submenu: recent },
        { type: 'separator' },
        { label: 'Save &As…', accelerator: 'CmdOrCtrl+Shift+S', enabled: s.canSave, click: () => a.saveAs() },
        ...(mac ? [] : [{ type: 'separator' } as const, { role: 'quit' } as const]),
      ],
    },
    {
      label: '&Capture',
      submenu: [
        { label: '&Start', accelerator: 'CmdOrCtrl+E', enabled: s.captureAvailable && !s.capturing, click: () => a.startCapture() },
        { label: 'S&top', accelerator: 'CmdOrCtrl+Shift+E', enabled: s.capturing, click: () => a.stopCapture() },
        { label: '&Interfaces…', enabled: s.captureAvailable && !s.capturing, click: () => a.chooseInterface() },
        { type: 'separator' },
        { label: '&Classic Experiment', enabled: s.captureAvailable && !s.capturing, click: () => a.classicExperiment() },
      ],
    },
    {
      label: '&View',
      submenu: [
        ...(s.dev ? [{ role: 'reload' } as const, { role: 'toggleDevTools' } as const, { type: 'separator' } as const] : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: '&Help',
      role: 'help',
      submenu: [
        { label: 'Capture &Permissions', click: () => a.capturePermissions() },
        ...(mac ? [] : [{ type: 'separator' } as const, about]),
      ],
    },
  ];
}
