// "Save as PDF" of a lesson report in the desktop app. The page hands over the report's HTML (a
// self-contained document with no script, renderer/src/lib/report.ts); main lays it out in a hidden window
// with JavaScript off that may not navigate anywhere, has Chromium print it, and writes the PDF where the
// user chose. Electron's pieces come in as `PdfShell` (index.ts passes the real ones; tests pass fakes).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Reports are a few hundred kilobytes (the ladder's SVG); anything far bigger is not one. */
export const MAX_REPORT_HTML = 8 * 1024 * 1024;

export interface PdfPage {
  loadURL(url: string): Promise<void>;
  printToPDF(options: { printBackground: boolean; pageSize: 'A4'; generateTaggedPDF: boolean }): Promise<Uint8Array>;
  close(): void;
}

export interface PdfShell {
  /** A hidden window: no preload, no JavaScript, sandboxed, navigation refused. */
  page(): PdfPage;
  /** The native "Save As…" dialog for a PDF; null when cancelled. */
  askPath(suggestedName: string): Promise<string | null>;
}

/** A file name for the dialog: the page's suggestion when it is a plain "….pdf" name. */
export function reportPdfName(suggested: unknown): string {
  return typeof suggested === 'string' && /^[\p{L}\p{N} ._-]{1,120}\.pdf$/u.test(suggested) ? suggested : 'handshake-lab-report.pdf';
}

/** The report's HTML, or why it is not one. */
export function checkReportHtml(html: unknown): { ok: true; html: string } | { ok: false; reason: string } {
  if (typeof html !== 'string') return { ok: false, reason: 'the report is not text' };
  if (html.length > MAX_REPORT_HTML) return { ok: false, reason: `the report is larger than ${MAX_REPORT_HTML} bytes` };
  if (!/^<!doctype html>/i.test(html)) return { ok: false, reason: 'the report is not an HTML document' };
  return { ok: true, html };
}

/** Prints the report to a PDF file the user picks; resolves to its path (null: cancelled). */
export async function saveReportPdf(shell: PdfShell, html: unknown, suggestedName: unknown): Promise<string | null> {
  const checked = checkReportHtml(html);
  if (!checked.ok) throw new Error(checked.reason);
  const target = await shell.askPath(reportPdfName(suggestedName));
  if (!target) return null;
  // A file, not a data: URL: Chromium limits those, and the report may hold a long ladder.
  const dir = await mkdtemp(join(tmpdir(), 'handshake-lab-report-'));
  const page = shell.page();
  try {
    const file = join(dir, 'report.html');
    await writeFile(file, checked.html, { mode: 0o600 });
    await page.loadURL(pathToFileURL(file).href);
    const pdf = await page.printToPDF({ printBackground: true, pageSize: 'A4', generateTaggedPDF: true });
    await writeFile(target, pdf);
    return target;
  } finally {
    page.close();
    await rm(dir, { recursive: true, force: true });
  }
}
