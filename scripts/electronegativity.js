#!/usr/bin/env node
// `npm run electronegativity`: Doyensec's Electronegativity over the built app (out/: main, preload,
// renderer), as VS Code and Signal run it. Every finding must be explained in .electronegativity.json
// (check + file, and why it is not a problem here); an unexplained finding fails, and so does an
// explanation that no longer matches any finding (so the list stays true). Needs `npm run build` first.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'out');
if (!existsSync(join(out, 'main', 'index.js'))) {
  console.error('electronegativity: build the app first (npm run build)');
  process.exit(2);
}
const electron = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
const tool = join(root, 'node_modules', '@doyensec', 'electronegativity', 'dist', 'index.js');
/** One CSV line into its fields (quoted fields may hold commas). */
function fields(line) {
  const outFields = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') quoted = false; else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { outFields.push(cur); cur = ''; } else cur += c;
  }
  outFields.push(cur);
  return outFields;
}

/** Runs the tool once: its findings, or null when its CSV is not whole (see below). */
function runOnce() {
  const dir = mkdtempSync(join(tmpdir(), 'hl-eng-'));
  const csv = join(dir, 'findings.csv');
  try {
    // -e: the Electron version we ship (otherwise the tool asks the network and guesses 0.1.0).
    const r = spawnSync(process.execPath, [tool, '-i', out, '-r', '-v', 'false', '-e', electron, '-o', csv], { encoding: 'utf8', timeout: 300_000 });
    if (!existsSync(csv)) {
      console.error(`electronegativity did not run (exit ${r.status}):\n${r.stderr || r.stdout}`);
      process.exit(2);
    }
    const found = readFileSync(csv, 'utf8').split(/\r?\n/).slice(1).filter(Boolean).map((l) => {
      const [check, severity, confidence, file, location, , description] = fields(l);
      return { check, severity, confidence, file, location, description };
    });
    // Every row names a check and a file: a row that does not is a CSV the tool left half-written (seen
    // once in a loaded CI run: a record began mid-way through a CSP, with no file), not a finding.
    return found.every((f) => /^[A-Z0-9_]+$/.test(f.check) && f.file) ? found : null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let findings = null;
for (let attempt = 1; attempt <= 3 && !findings; attempt++) {
  findings = runOnce();
  if (!findings) console.error(`electronegativity: its output was not whole (attempt ${attempt} of 3)`);
}
if (!findings) process.exit(2);
const explained = JSON.parse(readFileSync(join(root, '.electronegativity.json'), 'utf8')).findings;
const key = (f) => `${f.check} ${f.file}`;
const known = new Set(explained.map(key));
const seen = new Set(findings.map(key));
const unexplained = findings.filter((f) => !known.has(key(f)));
const stale = explained.filter((e) => !seen.has(key(e)));
for (const f of findings) {
  const e = explained.find((x) => key(x) === key(f));
  console.log(`${e ? 'explained  ' : 'UNEXPLAINED'} ${f.check} (${f.severity}, ${f.confidence}) ${f.file}:${f.location}${e ? `\n            ${e.why}` : `\n            ${f.description}`}`);
}
for (const e of stale) console.log(`STALE       ${e.check} ${e.file}: explained in .electronegativity.json but not found any more; remove it`);
console.log(`electronegativity ${electron}: ${findings.length} finding(s), ${unexplained.length} unexplained, ${stale.length} stale explanation(s)`);
process.exit(unexplained.length || stale.length ? 1 : 0);
