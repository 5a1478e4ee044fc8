// The window's security settings in one place: web preferences, the Content-Security-Policy header
// and which URLs the window may show. Electron types only, so it is checked and tested without Electron.
import type { WebPreferences } from 'electron';
import { isAppUrl, type AppLocation } from './ipc-guard';

/** Sandboxed, isolated, no Node in the page; the preload is the page's only door (contextBridge). */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
    // A middle click must not open a link in a new window (window.open is denied anyway).
    disableBlinkFeatures: 'Auxclick',
  };
}

/**
 * The CSP sent with every response: scripts and styles only from the app itself, no inline script, no
 * remote content, nothing to connect to (the API is IPC). Styles allow 'unsafe-inline' as the page's own
 * meta CSP does (Vue binds style attributes); the dev server needs its HMR WebSocket.
 */
export function contentSecurityPolicy(devServerUrl?: string | null): string {
  let connect = "'self'";
  if (devServerUrl) {
    const u = new URL(devServerUrl);
    connect += ` ${u.origin} ws://${u.host}`;
  }
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${connect}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Response headers with our CSP in place of any the response had. */
export function withCsp(headers: Record<string, string[] | string> | undefined, csp: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (k.toLowerCase() === 'content-security-policy') continue;
    out[k] = Array.isArray(v) ? v : [v];
  }
  out['Content-Security-Policy'] = [csp];
  return out;
}

/** In-window navigation is allowed only within our own page (e.g. a hash change). */
export function mayNavigate(url: string, loc: AppLocation): boolean {
  return isAppUrl(url, loc);
}

/**
 * The only pages the app opens in the system browser (DECISIONS: openExternal allows a fixed list): the
 * project's documentation, Wireshark's capture-setup pages, the Npcap page. Each is an https origin and a
 * path prefix.
 */
export const EXTERNAL_LINKS: readonly { origin: string; path: string }[] = [
  { origin: 'https://handshake-lab.example.org', path: '/' },
  { origin: 'https://wiki.wireshark.org', path: '/CaptureSetup' },
  { origin: 'https://npcap.com', path: '/' },
];

/** A link the page asks to open in a new window: one of EXTERNAL_LINKS goes to the system browser, anything else nowhere. */
export function externalLink(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' || u.username || u.password || u.port) return null;
  const ok = EXTERNAL_LINKS.some((l) => u.origin === l.origin && (u.pathname === l.path || u.pathname.startsWith(l.path.endsWith('/') ? l.path : `${l.path}/`)));
  return ok ? u.href : null;
}
