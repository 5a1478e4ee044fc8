// Opens serve's URL in the user's browser without putting the token on a command line, where every
// local user can read it (`ps`). As Jupyter does: a small HTML file, readable by this user only (0600,
// in a private folder), redirects to the URL, and the browser is given the file's path instead.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Writes the redirect file under `dir` (created 0700); returns its path. */
export function writeRedirectFile(dir: string, url: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `serve-${process.pid}-open.html`);
  const u = escapeHtml(url);
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${u}"><title>Handshake Lab</title></head>
<body><p>Opening Handshake Lab… If nothing happens, <a href="${u}">open it here</a>.</p></body></html>
`;
  rmSync(file, { force: true });
  writeFileSync(file, html, { mode: 0o600, flag: 'wx' });
  return file;
}

/**
 * Opens `url` through a redirect file in `dir`; returns the file (remove it when the server stops), or
 * null when there is no browser to open (no display; the URL is printed anyway).
 */
export function openBrowser(url: string, dir: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return null;
  let file: string;
  try {
    file = writeRedirectFile(dir, url);
  } catch {
    return null;
  }
  const target = process.platform === 'win32' ? file : pathToFileURL(file).href;
  const [cmd, args] = process.platform === 'darwin' ? ['open', [target]]
      : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', target]]
        : ['xdg-open', [target]];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch { /* no browser: the URL is printed */ }
  return file;
}
