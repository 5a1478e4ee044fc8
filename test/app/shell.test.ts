// The desktop shell's plain parts: window place remembered (and never off-screen), Open Recent, the file
// named on the command line, the refusal to run as root, the menus, and the security settings.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { captureFileArg, rootRefusal } from '../../main/app/launch-args';
import { menuTemplate, type MenuActions, type MenuState } from '../../main/app/menu';
import { RecentFiles } from '../../main/app/recent-files';
import { contentSecurityPolicy, externalLink, mayNavigate, secureWebPreferences, withCsp } from '../../main/app/security';
import { DEFAULT_WINDOW, fitToDisplays, readWindowState, writeWindowState } from '../../main/app/window-state';

const tmp = () => mkdtempSync(join(tmpdir(), 'hl-shell-'));

describe('window state', () => {
  it('round-trips, and falls back to defaults on a missing or broken file', () => {
    const d = tmp();
    const f = join(d, 'sub', 'window-state.json');
    expect(readWindowState(f)).toEqual(DEFAULT_WINDOW);
    writeWindowState(f, { x: 10, y: 20, width: 1000, height: 700, maximized: true });
    expect(readWindowState(f)).toEqual({ x: 10, y: 20, width: 1000, height: 700, maximized: true });
    writeFileSync(f, '{"width": 1000, "height"');
    expect(readWindowState(f)).toEqual(DEFAULT_WINDOW);
    writeFileSync(f, JSON.stringify({ width: 'big', height: 700 }));
    expect(readWindowState(f)).toEqual(DEFAULT_WINDOW);
    writeFileSync(f, JSON.stringify({ width: 10, height: 10, x: 1.5, y: 3 }));
    expect(readWindowState(f)).toEqual({ width: 640, height: 480 });
    rmSync(d, { recursive: true, force: true });
  });

  it('drops a place on a screen that is gone and shrinks to the biggest screen', () => {
    const screens = [{ x: 0, y: 0, width: 1920, height: 1040 }];
    expect(fitToDisplays({ x: 100, y: 50, width: 1200, height: 800 }, screens)).toEqual({ x: 100, y: 50, width: 1200, height: 800 });
    expect(fitToDisplays({ x: 2500, y: 50, width: 1200, height: 800 }, screens)).toEqual({ width: 1200, height: 800 });
    expect(fitToDisplays({ x: 100, y: 1035, width: 1200, height: 800 }, screens)).toEqual({ width: 1200, height: 800 });
    expect(fitToDisplays({ width: 3000, height: 2000 }, screens)).toEqual({ width: 1920, height: 1040 });
    const two = [...screens, { x: 1920, y: 0, width: 2560, height: 1400 }];
    expect(fitToDisplays({ x: 2500, y: 50, width: 2400, height: 1300 }, two)).toEqual({ x: 2500, y: 50, width: 2400, height: 1300 });
  });
});

describe('Open Recent', () => {
  it('newest first, once each, at most 10, only files that still exist', () => {
    const d = tmp();
    const store = new RecentFiles(join(d, 'recent.json'));
    const files = Array.from({ length: 12 }, (_, i) => join(d, `c${i}.pcap`));
    for (const f of files) writeFileSync(f, '');
    for (const f of files) store.add(f);
    store.add(files[5]);
    const list = store.list();
    expect(list).toHaveLength(10);
    expect(list[0]).toBe(files[5]);
    expect(list[1]).toBe(files[11]);
    expect(new Set(list).size).toBe(10);
    rmSync(files[11]);
    expect(store.list()).not.toContain(files[11]);
    writeFileSync(join(d, 'recent.json'), '{"not": "a list"}');
    expect(store.list()).toEqual([]);
    store.clear();
    expect(JSON.parse(readFileSync(join(d, 'recent.json'), 'utf8'))).toEqual([]);
    rmSync(d, { recursive: true, force: true });
  });
});

describe('launch', () => {
  it('finds the capture file on a command line, skipping switches and the app folder', () => {
    expect(captureFileArg(['/opt/hl/handshake-lab', 'lab.pcapng'], '/home/u')).toBe('/home/u/lab.pcapng');
    expect(captureFileArg(['electron', '.', '--no-sandbox', '/data/x.PCAP'], '/home/u')).toBe('/data/x.PCAP');
    expect(captureFileArg(['electron', '.', '--flag=a.pcap', 'notes.txt'], '/home/u')).toBeNull();
    expect(captureFileArg(['hl', 'trace.pcap.gz'], '/w')).toBe('/w/trace.pcap.gz');
    expect(captureFileArg(['hl'], '/w')).toBeNull();
  });

  it('refuses root only, and says what to do instead', () => {
    expect(rootRefusal(1000)).toBeNull();
    expect(rootRefusal(undefined)).toBeNull();
    const why = rootRefusal(0) ?? '';
    expect(why).toMatch(/root/);
    expect(why).toMatch(/Capture permissions/);
    expect(why).toMatch(/handshake-lab serve/);
  });
});

describe('menus', () => {
  const calls: string[] = [];
  const actions = new Proxy({}, { get: (_t, name: string) => (arg?: string) => calls.push(arg ? `${name} ${arg}` : name) }) as MenuActions;
  const state = (over: Partial<MenuState> = {}): MenuState => ({ platform: 'linux', capturing: false, captureAvailable: true, canSave: true, recent: [], dev: false, ...over });
  const find = (items: MenuItemConstructorOptions[], path: string[]): MenuItemConstructorOptions => {
    const [first, ...rest] = path;
    const strip = (l?: string) => (l ?? '').replace(/&(?!&)/g, '').replace(/&&/g, '&');
    const it = items.find((i) => strip(i.label) === first);
    if (!it) throw new Error(`no menu item ${first} in ${items.map((i) => i.label ?? i.role).join(', ')}`);
    return rest.length ? find(it.submenu as MenuItemConstructorOptions[], rest) : it;
  };
  const click = (i: MenuItemConstructorOptions) => (i.click as unknown as () => void)();

  it('has File, Capture, View and Help with the issue\'s items, wired to their actions', () => {
    const t = menuTemplate(state({ recent: ['/d/a&b.pcap', '/d/c.pcapng'] }), actions);
    expect(t.map((m) => m.label)).toEqual(['&File', '&Capture', '&View', '&Help']);
    calls.length = 0;
    click(find(t, ['File', 'Open…']));
    click(find(t, ['File', 'Save As…']));
    click(find(t, ['File', 'Open Recent', '2 c.pcapng']));
    click(find(t, ['File', 'Open Recent', '1 a&b.pcap']));
    click(find(t, ['File', 'Open Recent', 'Clear Recent']));
    click(find(t, ['Capture', 'Start']));
    click(find(t, ['Capture', 'Interfaces…']));
    click(find(t, ['Capture', 'Classic Experiment']));
    click(find(t, ['Help', 'Capture Permissions']));
    click(find(t, ['Help', 'About Handshake Lab']));
    expect(calls).toEqual(['open', 'saveAs', 'openRecent /d/c.pcapng', 'openRecent /d/a&b.pcap', 'clearRecent', 'startCapture', 'chooseInterface', 'classicExperiment', 'capturePermissions', 'about']);
    expect(find(t, ['File', 'Open…']).accelerator).toBe('CmdOrCtrl+O');
  });

  it('enables capture items by state, and hides developer items in release builds', () => {
    const running = menuTemplate(state({ capturing: true }), actions);
    expect(find(running, ['Capture', 'Start']).enabled).toBe(false);
    expect(find(running, ['Capture', 'Stop']).enabled).toBe(true);
    const none = menuTemplate(state({ captureAvailable: false, canSave: false }), actions);
    for (const item of ['Start', 'Interfaces…', 'Classic Experiment']) expect(find(none, ['Capture', item]).enabled).toBe(false);
    expect(find(none, ['File', 'Save As…']).enabled).toBe(false);
    expect(find(none, ['File', 'Open Recent', 'No Recent Files']).enabled).toBe(false);
    const view = (s: MenuState) => (find(menuTemplate(s, actions), ['View']).submenu as MenuItemConstructorOptions[]).map((i) => i.role);
    expect(view(state())).not.toContain('toggleDevTools');
    expect(view(state({ dev: true }))).toContain('toggleDevTools');
  });

  it('on macOS the app menu holds About and Quit', () => {
    const t = menuTemplate(state({ platform: 'darwin' }), actions);
    expect(t[0].label).toBe('Handshake Lab');
    expect((t[0].submenu as MenuItemConstructorOptions[]).some((i) => i.role === 'quit')).toBe(true);
  });
});

describe('security settings', () => {
  it('the window is sandboxed and isolated, with no Node', () => {
    const p = secureWebPreferences('/app/out/preload/index.cjs');
    expect(p).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, allowRunningInsecureContent: false, preload: '/app/out/preload/index.cjs' });
  });

  it('CSP: no inline or remote script, nothing remote at all, no frames', () => {
    const csp = contentSecurityPolicy(null);
    const d = Object.fromEntries(csp.split('; ').map((x) => { const [k, ...v] = x.split(' '); return [k, v.join(' ')]; }));
    expect(d['default-src']).toBe("'none'");
    expect(d['script-src']).toBe("'self'");
    expect(d['connect-src']).toBe("'self'");
    expect(d['object-src']).toBe("'none'");
    expect(d['frame-ancestors']).toBe("'none'");
    expect(csp).not.toMatch(/unsafe-eval|https?:|\*/);
    expect(contentSecurityPolicy('http://localhost:5173')).toContain('connect-src \'self\' http://localhost:5173 ws://localhost:5173');
  });

  it('the CSP header replaces whatever the response carried', () => {
    const h = withCsp({ 'content-security-policy': ["default-src *"], 'Content-Type': 'text/html' }, "default-src 'none'");
    expect(h).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': ["default-src 'none'"] });
  });

  it('navigation stays on our page; only links to the docs, Wireshark\'s capture setup and Npcap leave, to the system browser', () => {
    const loc = { rendererIndexUrl: 'file:///app/out/renderer/index.html' };
    expect(mayNavigate('file:///app/out/renderer/index.html#/x', loc)).toBe(true);
    expect(mayNavigate('https://example.com/', loc)).toBe(false);
    expect(mayNavigate('file:///etc/passwd', loc)).toBe(false);
    expect(externalLink('https://npcap.com/')).toBe('https://npcap.com/');
    expect(externalLink('http://npcap.com/')).toBeNull();
    expect(externalLink('https://user:pw@example.com/')).toBeNull();
    expect(externalLink('file:///etc/passwd')).toBeNull();
    expect(externalLink('javascript:alert(1)')).toBeNull();
    expect(externalLink('https://wiki.wireshark.org/CaptureSetup/Loopback')).toBe('https://wiki.wireshark.org/CaptureSetup/Loopback');
    expect(externalLink('https://handshake-lab.example.org/docs/lessons')).toBe('https://handshake-lab.example.org/docs/lessons');
    // Any other https page stays shut (a lesson or a capture could carry a link).
    for (const u of ['https://example.com/', 'https://evil.example/npcap.com/', 'https://npcap.com.evil.example/', 'https://wiki.wireshark.org/CaptureSetupEvil',
      'https://wiki.wireshark.org/Other', 'https://npcap.com:8443/', 'https://handshake-lab.example.org.evil.example/']) {
      expect(externalLink(u), u).toBeNull();
    }
  });

  it('the renderer page carries its own CSP too (file:// responses may bypass the header), connecting only to itself', () => {
    const html = join(__dirname, '..', '..', 'renderer', 'index.html');
    expect(existsSync(html)).toBe(true);
    const text = readFileSync(html, 'utf8');
    expect(text).toMatch(/http-equiv="Content-Security-Policy" content="[^"]*script-src 'self'[;"]/);
    // The window talks IPC only; in a browser 'self' covers the server's own WebSocket: no ws: sources.
    expect(/connect-src ([^;"]*)/.exec(text)?.[1]).toBe("'self'");
  });
});
