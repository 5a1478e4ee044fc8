// The one main window: secure preferences, remembered size and place, and navigation locked to our page.
import { BrowserWindow, screen, shell } from 'electron';
import type { AppLocation } from './ipc-guard';
import { externalLink, mayNavigate, secureWebPreferences } from './security';
import { fitToDisplays, readWindowState, writeWindowState, type WindowState } from './window-state';

export interface MainWindowOptions {
  preload: string;
  location: AppLocation;
  /** JSON file with the window state (in userData). */
  stateFile: string;
  log(line: string): void;
}

export function createMainWindow(o: MainWindowOptions): BrowserWindow {
  const saved = fitToDisplays(readWindowState(o.stateFile), screen.getAllDisplays().map((d) => d.workArea));
  const win = new BrowserWindow({
    width: saved.width,
    height: saved.height,
    ...(saved.x !== undefined && saved.y !== undefined ? { x: saved.x, y: saved.y } : {}),
    minWidth: 640,
    minHeight: 480,
    show: false,
    title: 'Handshake Lab',
    backgroundColor: '#1b1f27',
    webPreferences: secureWebPreferences(o.preload),
  });
  win.once('ready-to-show', () => {
    if (saved.maximized) win.maximize();
    if (saved.fullScreen) win.setFullScreen(true);
    win.show();
  });
  win.on('close', () => {
    const b = win.getNormalBounds();
    const state: WindowState = { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized(), fullScreen: win.isFullScreen() };
    try {
      writeWindowState(o.stateFile, state);
    } catch (e) {
      o.log(`could not remember the window's place: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  const wc = win.webContents;
  wc.on('will-navigate', (event) => {
    if (mayNavigate(event.url, o.location)) return;
    event.preventDefault();
    o.log(`blocked navigation to ${event.url.slice(0, 200)}`);
  });
  wc.on('will-redirect', (event) => {
    if (mayNavigate(event.url, o.location)) return;
    event.preventDefault();
    o.log(`blocked redirect to ${event.url.slice(0, 200)}`);
  });
  wc.setWindowOpenHandler(({ url }) => {
    const link = externalLink(url);
    if (link) void shell.openExternal(link);
    else o.log(`blocked window.open of ${url.slice(0, 200)}`);
    return { action: 'deny' };
  });
  wc.on('will-attach-webview', (event) => event.preventDefault());
  if (o.location.devServerUrl) void win.loadURL(o.location.devServerUrl);
  else void win.loadURL(o.location.rendererIndexUrl);
  return win;
}
