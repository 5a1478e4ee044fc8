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

/** Links the page asks to open in a new window: https ones go to the system browser, the rest nowhere. */
export function externalLink(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && !u.username && !u.password ? u.href : null;
  } catch {
    return null;
  }
}
