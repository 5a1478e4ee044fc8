// IPC channels of the desktop shell that are not API requests: shared by main and the preload, so the
// names cannot drift. No imports: the sandboxed preload bundles this file as it is.

/** The preload tells main that a pushed `frames` batch reached the page's handlers (backpressure). */
export const FRAMES_ACK_CHANNEL = 'handshake-lab-shell:frames-ack';
/** Native "Open…" dialog: resolves to a path or null. */
export const PICK_OPEN_CHANNEL = 'handshake-lab-shell:pick-open';
/** Native "Save As…" dialog: resolves to a path or null. The path becomes the only one saveCapture accepts. */
export const PICK_SAVE_CHANNEL = 'handshake-lab-shell:pick-save';

/** "Save as PDF" of a lesson report: the report's HTML and a suggested name; resolves to the path or null. */
export const SAVE_REPORT_PDF_CHANNEL = 'handshake-lab-shell:save-report-pdf';

/** What main answers an API request with: the preload turns an error back into a rejection. */
export type IpcReply = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };
