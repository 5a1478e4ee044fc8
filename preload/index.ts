// Sandboxed preload: the page's only door to main. It exposes `window.handshakeLab`: one method per API
// request (names from main/api/methods.ts; main validates every payload), `on` for the contract's events,
// and the shell's optional extras the renderer looks for (native Open/Save dialogs, a dropped file's path).
// A sandboxed preload can load nothing but `electron`, so this bundle holds no zod and no Node.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { API_EVENTS, ipcChannel, type ApiEvent, type ApiEvents, type HandshakeLabClient } from '../main/api/contract';
import { API_METHOD_NAMES } from '../main/api/methods';
import { FRAMES_ACK_CHANNEL, PICK_OPEN_CHANNEL, PICK_SAVE_CHANNEL, SAVE_REPORT_PDF_CHANNEL, type IpcReply } from '../main/app/shell-channels';

/** Main answers with an envelope; an error becomes a rejection whose message starts with its code (the renderer's toClientError reads it). */
function unwrap(reply: IpcReply): unknown {
  if (reply && reply.ok) return reply.result;
  const err = reply && !reply.ok ? reply.error : { code: 'internal', message: 'no reply from the back end' };
  throw Object.assign(new Error(`${err.code}: ${err.message}`), { code: err.code });
}

type Handler = (payload: unknown) => void;
const handlers = new Map<ApiEvent, Set<Handler>>();

function dispatch(event: ApiEvent, payload: unknown): void {
  for (const h of [...(handlers.get(event) ?? [])]) {
    try {
      h(payload);
    } catch (e) {
      console.error(`handshakeLab: a ${event} handler failed`, e);
    }
  }
  // The page has taken this batch: main may send the next (backpressure for live pushes).
  if (event === 'frames') ipcRenderer.send(FRAMES_ACK_CHANNEL);
}

for (const event of API_EVENTS) {
  ipcRenderer.on(ipcChannel(event), (_e: IpcRendererEvent, payload: unknown) => dispatch(event, payload));
}

const api: Record<string, unknown> = {};
for (const method of API_METHOD_NAMES) {
  api[method] = (params?: unknown) => ipcRenderer.invoke(ipcChannel(method), params).then(unwrap);
}

api.on = <E extends ApiEvent>(event: E, handler: (payload: ApiEvents[E]) => void): (() => void) => {
  if (!(API_EVENTS as string[]).includes(event)) throw new Error(`bad_request: unknown event ${String(event)}`);
  if (typeof handler !== 'function') throw new Error('bad_request: on() needs a handler function');
  let set = handlers.get(event);
  if (!set) handlers.set(event, (set = new Set()));
  const h = handler as Handler;
  set.add(h);
  return () => { set.delete(h); };
};

// Extras next to the contract (renderer/src/api/files.ts ShellExtras): all optional there.
api.pickOpenPath = (): Promise<string | null> => ipcRenderer.invoke(PICK_OPEN_CHANNEL) as Promise<string | null>;
api.pickSavePath = (suggestedName: string): Promise<string | null> => ipcRenderer.invoke(PICK_SAVE_CHANNEL, String(suggestedName)) as Promise<string | null>;
/** A lesson report (self-contained HTML) saved as PDF where the user picks. */
api.saveReportPdf = (html: string, suggestedName: string): Promise<string | null> => ipcRenderer.invoke(SAVE_REPORT_PDF_CHANNEL, String(html), String(suggestedName)) as Promise<string | null>;
/** The path of a file dropped on the window (drag-and-drop opens it through openFile). */
api.pathForFile = (file: File): string => webUtils.getPathForFile(file);

contextBridge.exposeInMainWorld('handshakeLab', api as unknown as HandshakeLabClient);
