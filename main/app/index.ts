// Electron main process: the window, menus and IPC. Deliberately thin: requests are checked in
// ipc-guard.ts and served by the back end in a utility process (backend-host.ts); everything with
// logic lives in plain, tested modules next to this file.
import {
  app, BrowserWindow, clipboard, dialog, ipcMain, Menu, session,
  type IpcMainEvent, type IpcMainInvokeEvent, type MessageBoxOptions,
} from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ipcChannel, type ApiEvent, type ApiResults } from '../api/contract';
import { API_METHOD_NAMES } from '../api/methods';
import type { ApiErrorInfo, CaptureStatus } from '../api/types';
import { BackendBridge } from './backend-bridge';
import { HostProcess } from './host-process';
import { ChosenPaths, clientIdOf, IpcGuard, toErrorInfo, type AppLocation, type IpcSender } from './ipc-guard';
import { captureFileArg, CAPTURE_FILE, rootRefusal } from './launch-args';
import { createMainWindow } from './main-window';
import { menuTemplate, type MenuState } from './menu';
import { RecentFiles } from './recent-files';
import { contentSecurityPolicy, withCsp } from './security';
import { saveReportPdf, type PdfShell } from './report-pdf';
import { FRAMES_ACK_CHANNEL, PICK_OPEN_CHANNEL, PICK_SAVE_CHANNEL, SAVE_REPORT_PDF_CHANNEL } from './shell-channels';

const log = (line: string) => process.stderr.write(`handshake-lab: ${line}\n`);
const here = import.meta.dirname;
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL ?? null : null;
const location: AppLocation = { rendererIndexUrl: pathToFileURL(join(here, '../renderer/index.html')).href, devServerUrl };
const captureFilters = [
  { name: 'Captures', extensions: ['pcapng', 'pcap', 'cap', 'gz'] },
  { name: 'All Files', extensions: ['*'] },
];

let win: BrowserWindow | null = null;
let quitting = false;
/** A file to open once the window is up (command line, second instance, macOS open-file). */
let pendingFile: string | null = captureFileArg(process.argv, process.cwd());
let lastInterface: string | null = null;
const menuState: MenuState = { platform: process.platform, capturing: false, captureAvailable: false, canSave: false, recent: [], dev: !app.isPackaged };

const refusal = rootRefusal(process.getuid?.());
if (refusal) {
  void app.whenReady().then(() => {
    dialog.showErrorBox('Handshake Lab', refusal);
    app.exit(1);
  });
} else if (!app.requestSingleInstanceLock()) {
  // Another Handshake Lab is running: it gets our file argument (second-instance) and we leave.
  app.quit();
} else {
  app.enableSandbox();
  start();
}

function start(): void {
  const recent = new RecentFiles(join(app.getPath('userData'), 'recent-files.json'));
  const savePaths = new ChosenPaths();
  const bridge = new BackendBridge({ onEvent: (client, event, payload) => deliver(client, event, payload), log: (l) => log(`back end: ${l}`) });
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    HANDSHAKE_LAB_LOCALE: app.getLocale(),
    HANDSHAKE_LAB_PROGRESS_DIR: join(app.getPath('userData'), 'progress'),
  };
  // Packaged, the lessons are extraResources next to app.asar (electron-builder.yml).
  if (app.isPackaged && !env.HANDSHAKE_LAB_LESSONS_DIR) env.HANDSHAKE_LAB_LESSONS_DIR = join(process.resourcesPath, 'lessons');
  const host = new HostProcess({
    bridge, env, log,
    onCrash: (message) => {
      // The new host knows nothing: the page starts over as a fresh client.
      const id = client();
      if (id) bridge.attach(id);
      sendEvent('reset', { reason: 'file' });
      sendEvent('error', { code: 'internal', message });
    },
  });

  const client = (): string | null => (win && !win.isDestroyed() ? clientIdOf(win.webContents.id) : null);

  const guard = new IpcGuard({
    location,
    isOurWebContents: (id) => !!win && !win.isDestroyed() && win.webContents.id === id,
    forward: (method, params, clientId) => bridge.request(clientId, method, params),
    log,
    savePaths,
    onResult: (method, params, result) => {
      if (method === 'openFile') noteOpened((params as { path: string }).path, result as ApiResults['openFile']);
    },
  });

  function senderOf(e: IpcMainInvokeEvent | IpcMainEvent): IpcSender {
    const frame = e.senderFrame;
    return { webContentsId: e.sender.id, frameUrl: frame?.url, isMainFrame: !!frame && frame.parent === null };
  }

  function deliver(clientId: string, event: ApiEvent, payload: unknown): void {
    if (clientId !== client() || !win) return;
    if (event === 'status') {
      const capture = (payload as { capture: CaptureStatus }).capture;
      const capturing = capture.state === 'running' || capture.state === 'stopping';
      const canSave = !!capture.file;
      if (capturing !== menuState.capturing || canSave !== menuState.canSave) {
        menuState.capturing = capturing;
        menuState.canSave = canSave;
        rebuildMenu();
      }
    }
    win.webContents.send(ipcChannel(event), payload);
  }

  function sendEvent(event: ApiEvent, payload: unknown): void {
    if (win && !win.isDestroyed()) win.webContents.send(ipcChannel(event), payload);
  }

  /** A request of the menu's, as the window's client (the page sees its effects through events). */
  async function ask<M extends keyof ApiResults>(method: M, params: unknown): Promise<ApiResults[M] | null> {
    const id = client();
    if (!id) return null;
    try {
      const result = (await bridge.request(id, method, params)) as ApiResults[M];
      if (method === 'openFile') noteOpened((params as { path: string }).path, result as ApiResults['openFile']);
      return result;
    } catch (e) {
      const err: ApiErrorInfo = toErrorInfo(e);
      log(`${method} failed: ${err.message}`);
      sendEvent('error', err);
      return null;
    }
  }

  function noteOpened(path: string, result: ApiResults['openFile']): void {
    if (result.error || result.cancelled) return;
    menuState.recent = recent.add(path);
    app.addRecentDocument(path);
    rebuildMenu();
  }

  const openPath = (path: string): void => { void ask('openFile', { path }); };

  async function pickOpen(): Promise<string | null> {
    const r = win ? await dialog.showOpenDialog(win, { title: 'Open Capture', properties: ['openFile'], filters: captureFilters }) : null;
    return r && !r.canceled && r.filePaths[0] ? r.filePaths[0] : null;
  }

  async function pickSave(suggested: unknown): Promise<string | null> {
    const name = typeof suggested === 'string' && /^[\w .-]{1,100}$/.test(suggested) ? suggested : 'handshake-lab.pcapng';
    const r = win ? await dialog.showSaveDialog(win, { title: 'Save Capture As', defaultPath: join(app.getPath('documents'), name), filters: [{ name: 'pcapng', extensions: ['pcapng'] }] }) : null;
    if (!r || r.canceled || !r.filePath) return null;
    savePaths.remember(r.filePath);
    return r.filePath;
  }

  /** Lesson reports as PDF: a hidden window with JavaScript off prints them (report-pdf.ts). */
  const pdfShell: PdfShell = {
    page: () => {
      const w = new BrowserWindow({ show: false, webPreferences: { javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false } });
      w.webContents.on('will-navigate', (e) => e.preventDefault());
      return { loadURL: (url) => w.loadURL(url), printToPDF: (o) => w.webContents.printToPDF(o).then((b) => new Uint8Array(b)), close: () => w.destroy() };
    },
    askPath: async (name) => {
      const r = win ? await dialog.showSaveDialog(win, { title: 'Save Report As', defaultPath: join(app.getPath('documents'), name), filters: [{ name: 'PDF', extensions: ['pdf'] }] }) : null;
      return r && !r.canceled && r.filePath ? r.filePath : null;
    },
  };

  async function startCapture(iface: string | null): Promise<void> {
    let name = iface;
    if (!name) {
      const list = await ask('listInterfaces', {});
      name = list?.find((i) => i.loopback)?.name ?? list?.[0]?.name ?? null;
      if (!name) return;
    }
    lastInterface = name;
    await ask('startCapture', { interface: name });
  }

  async function chooseInterface(): Promise<void> {
    const list = (await ask('listInterfaces', {}))?.slice(0, 12);
    if (!list?.length || !win) return;
    const buttons = [...list.map((i) => `${i.description}${i.description !== i.name ? ` (${i.name})` : ''}`), 'Cancel'];
    const r = await dialog.showMessageBox(win, {
      type: 'question', title: 'Capture', message: 'Capture on which interface?',
      detail: list.map((i) => `${i.name}: ${i.addresses.join(', ') || 'no addresses'}`).join('\n'),
      buttons, cancelId: buttons.length - 1, defaultId: Math.max(0, list.findIndex((i) => i.name === lastInterface)),
    });
    if (r.response < list.length) await startCapture(list[r.response].name);
  }

  async function showPermissions(): Promise<void> {
    const info = await ask('getAppInfo', {});
    if (!info || !win) return;
    const { help } = info.capture;
    const state = info.capture.available ? 'Live capture is available.' : `Live capture is not available: ${info.capture.reason ?? 'unknown reason'}`;
    const opts: MessageBoxOptions = {
      type: info.capture.available ? 'info' : 'warning', title: 'Capture permissions', message: state,
      detail: [...help.steps, ...(help.commands.length ? ['', ...help.commands] : [])].join('\n'),
      buttons: help.commands.length ? ['OK', 'Copy Commands'] : ['OK'], defaultId: 0, cancelId: 0,
    };
    const r = await dialog.showMessageBox(win, opts);
    if (r.response === 1) clipboard.writeText(help.commands.join('\n') + '\n');
  }

  function rebuildMenu(): void {
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(menuState, {
      open: () => void pickOpen().then((p) => { if (p) openPath(p); }),
      saveAs: () => void pickSave('handshake-lab.pcapng').then(async (p) => { if (p) await ask('saveCapture', { path: p }); }),
      openRecent: openPath,
      clearRecent: () => { recent.clear(); app.clearRecentDocuments(); menuState.recent = []; rebuildMenu(); },
      startCapture: () => void startCapture(lastInterface),
      stopCapture: () => void ask('stopCapture', {}),
      chooseInterface: () => void chooseInterface(),
      classicExperiment: () => void ask('runExperiment', { variant: 'classic' }),
      about: () => void dialog.showMessageBox({
        type: 'info', title: 'About Handshake Lab', message: `Handshake Lab ${app.getVersion()}`,
        detail: `Makes TCP visible: live capture, Wireshark-exact decoding, per-endpoint RFC 9293 states.\n\nElectron ${process.versions.electron} · Chromium ${process.versions.chrome} · Node ${process.versions.node}`,
      }),
      capturePermissions: () => void showPermissions(),
    })));
  }

  function openWindow(): void {
    win = createMainWindow({ preload: join(here, '../preload/index.cjs'), location, stateFile: join(app.getPath('userData'), 'window-state.json'), log });
    const wc = win.webContents;
    const id = clientIdOf(wc.id);
    // Each load of the page (first load, reload) is a new client with a fresh filter and push cursor.
    wc.on('did-navigate', () => bridge.attach(id));
    wc.on('did-finish-load', () => {
      if (pendingFile) { openPath(pendingFile); pendingFile = null; }
    });
    wc.on('render-process-gone', (_e, details) => log(`the page's process ended: ${details.reason}`));
    win.on('closed', () => { bridge.detach(id); win = null; });
  }

  function openFromOutside(path: string | null): void {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
      if (path) openPath(path);
    } else if (path) pendingFile = path;
  }

  app.on('second-instance', (_e, argv, cwd) => openFromOutside(captureFileArg(argv, cwd)));
  app.on('open-file', (e, path) => {
    e.preventDefault();
    if (CAPTURE_FILE.test(path)) openFromOutside(path);
  });

  for (const method of API_METHOD_NAMES) {
    ipcMain.handle(ipcChannel(method), (e, params: unknown) => guard.request(method, senderOf(e), params));
  }
  ipcMain.on(FRAMES_ACK_CHANNEL, (e) => { if (guard.accepts(senderOf(e), 'frames ack')) bridge.ack(clientIdOf(e.sender.id)); });
  ipcMain.handle(PICK_OPEN_CHANNEL, (e) => (guard.accepts(senderOf(e), 'open dialog') ? pickOpen() : null));
  ipcMain.handle(PICK_SAVE_CHANNEL, (e, name: unknown) => (guard.accepts(senderOf(e), 'save dialog') ? pickSave(name) : null));
  ipcMain.handle(SAVE_REPORT_PDF_CHANNEL, (e, html: unknown, name: unknown) => (guard.accepts(senderOf(e), 'save report') ? saveReportPdf(pdfShell, html, name) : null));

  app.on('web-contents-created', (_e, contents) => {
    // Nothing but our one window may exist: no popups, no webviews, whatever created them.
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (ev) => ev.preventDefault());
  });

  void app.whenReady().then(() => {
    const csp = contentSecurityPolicy(devServerUrl);
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: withCsp(details.responseHeaders, csp) });
    });
    session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => {
      log(`denied permission request: ${permission}`);
      callback(false);
    });
    session.defaultSession.setPermissionCheckHandler(() => false);
    host.start();
    void bridge.ready().then((available) => { menuState.captureAvailable = available; rebuildMenu(); });
    menuState.recent = recent.list();
    rebuildMenu();
    openWindow();
    app.on('activate', () => { if (!win) openWindow(); });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('before-quit', (e) => {
    if (quitting) return;
    // Let the back end stop a running capture and close its files before we go.
    e.preventDefault();
    quitting = true;
    void host.stop().finally(() => app.quit());
  });
}
