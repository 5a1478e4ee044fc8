// "Save as PDF" of a lesson report in the desktop shell, with Electron's pieces replaced by fakes: the
// report is checked (HTML, bounded), laid out from a temporary file (gone afterwards), printed, and written
// where the user chose; a cancelled dialog writes nothing; the hidden page is closed even when printing fails.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkReportHtml, reportPdfName, saveReportPdf, type PdfShell } from '../../main/app/report-pdf';

const HTML = '<!doctype html><html><body><h1>Report</h1></body></html>';

function fakeShell(target: string | null, print: (html: string) => Uint8Array = (h) => new TextEncoder().encode(`%PDF ${h.length}`)) {
  const seen = { asked: '', loaded: '', loadedText: '', closed: 0 };
  const shell: PdfShell = {
    askPath: async (name) => { seen.asked = name; return target; },
    page: () => ({
      loadURL: async (url) => { seen.loaded = url; seen.loadedText = readFileSync(fileURLToPath(url), 'utf8'); },
      printToPDF: async () => print(seen.loadedText),
      close: () => { seen.closed++; },
    }),
  };
  return { shell, seen };
}

describe('lesson report as PDF', () => {
  it('prints the report the page made into the file the user chose', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-pdf-'));
    const target = join(dir, 'out.pdf');
    const { shell, seen } = fakeShell(target);
    expect(await saveReportPdf(shell, HTML, 'handshake-lab-classic-linux-李雷-2026-12-03.pdf')).toBe(target);
    expect(readFileSync(target, 'utf8')).toBe(`%PDF ${HTML.length}`);
    expect(seen.asked).toBe('handshake-lab-classic-linux-李雷-2026-12-03.pdf');
    expect(seen.loadedText).toBe(HTML);
    expect(existsSync(fileURLToPath(seen.loaded))).toBe(false);
    expect(seen.closed).toBe(1);
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes nothing when the dialog is cancelled, and closes the page when printing fails', async () => {
    const none = fakeShell(null);
    expect(await saveReportPdf(none.shell, HTML, 'x.pdf')).toBeNull();
    expect(none.seen.loaded).toBe('');
    const dir = mkdtempSync(join(tmpdir(), 'hl-pdf-'));
    const failing = fakeShell(join(dir, 'out.pdf'), () => { throw new Error('printing failed'); });
    await expect(saveReportPdf(failing.shell, HTML, 'x.pdf')).rejects.toThrow('printing failed');
    expect(failing.seen.closed).toBe(1);
    expect(existsSync(join(dir, 'out.pdf'))).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes only an HTML document of a report\'s size, and a plain file name', async () => {
    expect(checkReportHtml(42)).toEqual({ ok: false, reason: 'the report is not text' });
    expect(checkReportHtml('<script>alert(1)</script>')).toEqual({ ok: false, reason: 'the report is not an HTML document' });
    expect(checkReportHtml(`<!doctype html>${'x'.repeat(9 * 1024 * 1024)}`)).toMatchObject({ ok: false });
    await expect(saveReportPdf(fakeShell('/tmp/never.pdf').shell, 'not html', 'x.pdf')).rejects.toThrow('not an HTML document');
    expect(reportPdfName('../../etc/passwd.pdf')).toBe('handshake-lab-report.pdf');
    expect(reportPdfName('report.exe')).toBe('handshake-lab-report.pdf');
    expect(reportPdfName(undefined)).toBe('handshake-lab-report.pdf');
  });
});
