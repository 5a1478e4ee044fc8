// Every API request arriving over Electron IPC passes here before it reaches the back end: the sender
// must be our own window showing our own page (not another webContents, not a frame that navigated
// elsewhere, not a subframe), and the payload must match the method's schema. Rejections are logged
// with the reason and answered with a bad_request / forbidden error. No Electron import: tested in plain Node.
import { resolve } from 'node:path';
import { isApiMethod, parseRequest, type ApiMethod } from '../api/requests';
import type { ApiErrorInfo, ErrorCode } from '../api/types';
import type { IpcReply } from './shell-channels';

/** Where our page legitimately comes from. */
export interface AppLocation {
  /** file:// URL of the built renderer's index.html. */
  rendererIndexUrl: string;
  /** electron-vite's dev server (ELECTRON_RENDERER_URL), when running `electron-vite dev`. */
  devServerUrl?: string | null;
}

/** What main knows about the sender of an IPC message (from IpcMainInvokeEvent). */
export interface IpcSender {
  webContentsId: number;
  /** event.senderFrame?.url (null when the frame is gone). */
  frameUrl: string | null | undefined;
  /** The sending frame is the page's top frame (no parent). */
  isMainFrame: boolean;
}

/** True when `url` is our renderer page (any #hash or ?query of it), or a page of the dev server. */
export function isAppUrl(url: string, loc: AppLocation): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (loc.devServerUrl) {
    try {
      const dev = new URL(loc.devServerUrl);
      if ((u.protocol === 'http:' || u.protocol === 'https:') && u.origin === dev.origin) return true;
    } catch { /* a malformed dev URL allows nothing */ }
  }
  const index = new URL(loc.rendererIndexUrl);
  return u.protocol === 'file:' && index.protocol === 'file:' && u.host === index.host && u.pathname === index.pathname;
}

/** Why a sender is refused, or null when it is our window's top frame on our page. */
export function senderProblem(sender: IpcSender, isOurWebContents: (id: number) => boolean, loc: AppLocation): string | null {
  if (!isOurWebContents(sender.webContentsId)) return `webContents ${sender.webContentsId} is not one of our windows`;
  if (!sender.frameUrl) return 'the sending frame is gone';
  if (!sender.isMainFrame) return `a subframe (${truncate(sender.frameUrl)}) may not use the API`;
  if (!isAppUrl(sender.frameUrl, loc)) return `the page ${truncate(sender.frameUrl)} is not the app's`;
  return null;
}

/** Paths the user picked in a native Save dialog: the only ones saveCapture may write to. */
export class ChosenPaths {
  private readonly paths = new Set<string>();
  remember(path: string): void {
    this.paths.add(resolve(path));
  }
  has(path: string): boolean {
    return this.paths.has(resolve(path));
  }
}

export interface GuardOptions {
  location: AppLocation;
  isOurWebContents(id: number): boolean;
  /** Sends a validated request to the back end for this window's client. Rejects with { code, message } on failure. */
  forward(method: ApiMethod, params: unknown, clientId: string): Promise<unknown>;
  log(line: string): void;
  /** Paths saveCapture may write to (default: any). */
  savePaths?: ChosenPaths;
  /** Told about every successful request (e.g. to remember recently opened files). */
  onResult?(method: ApiMethod, params: unknown, result: unknown, clientId: string): void;
}

/** The back end's client id of a window. */
export const clientIdOf = (webContentsId: number): string => `window-${webContentsId}`;

export class IpcGuard {
  constructor(private readonly opts: GuardOptions) {}

  /** True when the sender may talk to us at all (used for the shell's own channels too); logs a refusal. */
  accepts(sender: IpcSender, what: string): boolean {
    const problem = senderProblem(sender, (id) => this.opts.isOurWebContents(id), this.opts.location);
    if (problem) this.opts.log(`rejected ${what}: ${problem}`);
    return problem === null;
  }

  /** Validates and forwards one API request; never throws (the preload turns errors into rejections). */
  async request(method: unknown, sender: IpcSender, params: unknown): Promise<IpcReply> {
    const name = typeof method === 'string' ? method.slice(0, 64) : String(method);
    if (!this.accepts(sender, `request ${name}`)) return fail('forbidden', 'this page may not use the Handshake Lab API');
    if (!isApiMethod(method)) return this.reject(name, `unknown method ${JSON.stringify(name)}`);
    const parsed = parseRequest(method, params);
    if (!parsed.ok) return this.reject(method, parsed.reason);
    if (method === 'saveCapture' && this.opts.savePaths) {
      const path = (parsed.params as { path: string }).path;
      if (!this.opts.savePaths.has(path)) {
        this.opts.log(`rejected request saveCapture: ${truncate(path)} was not chosen in a Save dialog`);
        return fail('forbidden', 'save to a file chosen with File → Save As…');
      }
    }
    const clientId = clientIdOf(sender.webContentsId);
    try {
      const result = await this.opts.forward(method, parsed.params, clientId);
      this.opts.onResult?.(method, parsed.params, result, clientId);
      return { ok: true, result };
    } catch (e) {
      return { ok: false, error: toErrorInfo(e) };
    }
  }

  private reject(method: string, reason: string): IpcReply {
    this.opts.log(`rejected request ${method}: ${reason}`);
    return fail('bad_request', reason);
  }
}

const fail = (code: ErrorCode, message: string): IpcReply => ({ ok: false, error: { code, message } });

/** Any rejection as { code, message } (ApiError and the back end's replies already are). */
export function toErrorInfo(e: unknown): ApiErrorInfo {
  const o = (typeof e === 'object' && e !== null ? e : {}) as { code?: unknown; message?: unknown };
  const message = typeof o.message === 'string' ? o.message : String(e);
  return { code: typeof o.code === 'string' && ERROR_CODES.has(o.code) ? (o.code as ErrorCode) : 'internal', message };
}

const ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'bad_request', 'not_found', 'capture_unavailable', 'permission_denied', 'no_such_interface', 'bad_filter',
  'file_error', 'busy', 'port_in_use', 'cancelled', 'forbidden', 'internal', 'rate_limited',
]);

function truncate(s: string): string {
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}
