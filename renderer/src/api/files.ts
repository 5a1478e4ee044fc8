// Getting capture files in and out. The contract opens and saves by path on the back end's side, so:
// - browser mode uploads the chosen file to `serve` (POST /upload) and opens the path it answers with,
//   and "save" downloads the current capture (GET /capture);
// - Electron mode uses the preload's native dialogs when it offers them (optional extras next to the contract).
import { ClientError } from './errors';
import { serverLocation, useTransport, withSession } from './index';

export interface ShellExtras {
  /** Native "Open…" dialog; resolves to a path, or null when cancelled. */
  pickOpenPath?: () => Promise<string | null>;
  /** Native "Save As…" dialog. */
  pickSavePath?: (suggestedName: string) => Promise<string | null>;
  /** A lesson report's HTML saved as PDF (desktop: Chromium prints it); resolves to the path, or null. */
  saveReportPdf?: (html: string, suggestedName: string) => Promise<string | null>;
}

export function shellExtras(): ShellExtras {
  return ((globalThis as unknown as { handshakeLab?: ShellExtras }).handshakeLab) ?? {};
}

/** Uploads a file to `serve`; resolves to the path the server stored it at. */
export function uploadCapture(file: File, onProgress: (sent: number, total: number) => void, signal?: AbortSignal): Promise<string> {
  const { http, token } = serverLocation();
  const url = withSession(`${http}/upload?token=${encodeURIComponent(token)}&name=${encodeURIComponent(file.name)}`);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          const body = JSON.parse(xhr.responseText) as { path?: unknown };
          if (typeof body.path === 'string') { resolve(body.path); return; }
        } catch { /* fall through */ }
        reject(new ClientError('upload_failed', 'the server did not say where it stored the file'));
      } else {
        reject(new ClientError(xhr.status === 401 || xhr.status === 403 ? 'forbidden' : 'upload_failed', `upload failed: HTTP ${xhr.status} ${xhr.responseText.slice(0, 200)}`));
      }
    };
    xhr.onerror = () => reject(new ClientError('upload_failed', 'the upload could not reach the server'));
    xhr.onabort = () => reject(new ClientError('cancelled', 'upload cancelled'));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(file);
  });
}

/** URL that downloads what this tab's session looks at (browser mode). */
export function captureDownloadUrl(): string {
  const { http, token } = serverLocation();
  return withSession(`${http}/capture?token=${encodeURIComponent(token)}`);
}

export function canUpload(): boolean {
  return useTransport().transport === 'websocket';
}

/** Saves a Blob through the browser's download (works in Electron too: it asks where to save). */
export function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  downloadUrl(url, name);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadUrl(url: string, name: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}
