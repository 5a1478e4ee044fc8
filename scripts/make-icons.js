#!/usr/bin/env node
// Renders build/icon.svg into the app's icons with Debian's Chromium (playwright-core), for electron-builder:
//   build/icons/NxN.png   Linux (hicolor theme sizes, the deb and the AppImage)
//   build/icon.png        1024×1024, the source electron-builder falls back to
//   build/icon.ico        Windows (PNG-compressed entries 16…256)
//   build/icon.icns       macOS (PNG entries 16…1024)
// A developer tool: run it after changing the SVG and commit what it writes (`npm run icons`).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { ICNS_TYPES, ICO_SIZES, LINUX_SIZES, icns, ico } from './packaging/icon-files.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const build = join(root, 'build');
const svg = readFileSync(join(build, 'icon.svg'), 'utf8');

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ deviceScaleFactor: 1 });
/** The SVG drawn at size×size on a transparent page, as PNG bytes. */
async function render(size) {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace(/width="\d+" height="\d+"/, `width="${size}" height="${size}"`)}</body></html>`);
  return page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
}

const sizes = [...new Set([...LINUX_SIZES, ...ICO_SIZES, ...ICNS_TYPES.map(([, s]) => s)])].sort((a, b) => a - b);
const png = new Map();
for (const s of sizes) png.set(s, await render(s));
await browser.close();

mkdirSync(join(build, 'icons'), { recursive: true });
for (const s of LINUX_SIZES) writeFileSync(join(build, 'icons', `${s}x${s}.png`), png.get(s));
writeFileSync(join(build, 'icon.png'), png.get(1024));
writeFileSync(join(build, 'icon.ico'), ico(ICO_SIZES.map((s) => [s, png.get(s)])));
writeFileSync(join(build, 'icon.icns'), icns(ICNS_TYPES.map(([type, s]) => [type, png.get(s)])));
process.stdout.write(`wrote ${LINUX_SIZES.length} Linux PNGs, icon.png, icon.ico (${ICO_SIZES.join(', ')}) and icon.icns (${ICNS_TYPES.map(([t]) => t).join(', ')}) in ${build}\n`);
