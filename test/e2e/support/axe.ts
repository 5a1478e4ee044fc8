// axe-core in the page (a dev dependency, injected through the DevTools protocol, so the page's CSP does not
// apply), and a measure of the SVG text actually drawn, whose contrast axe-core does not check.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface Violation { id: string; impact: string; help: string; nodes: string[] }

/** axe-core's serious and critical violations on the page as it is now. */
export async function axeViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(axeSource);
  const r = await page.evaluate(`window.axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ': ' + (n.failureSummary || '').split('\\n').slice(1, 2).join('')),
  })))`) as Violation[];
  return r.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * Every visible SVG text's contrast with what is drawn behind it (the nearest filled shape or HTML background
 * under its centre), opacity included: those below 4.5:1 (3:1 for large text).
 */
export async function svgTextContrastFailures(page: Page): Promise<string[]> {
  return page.evaluate(SVG_CONTRAST) as Promise<string[]>;
}

/** Runs in the page (a string: the test's TypeScript has no DOM types). */
const SVG_CONTRAST = `(() => {
    const parse = (c) => {
      const m = /rgba?\(([^)]+)\)/.exec(c);
      if (!m) return null;
      const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
      return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    };
    const lum = ([r, g, b]) => {
      const f = (v) => { const c = v / 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
    const opacityOf = (el) => {
      let o = 1;
      for (let e = el; e && e !== document.documentElement; e = e.parentElement) o *= Number(getComputedStyle(e).opacity || 1);
      return o;
    };
    const out = [];
    for (const t of Array.from(document.querySelectorAll('svg text'))) {
      const r = t.getBoundingClientRect();
      if (r.width < 1 || r.height < 1 || !(t.textContent || '').trim()) continue;
      const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
      if (cx < 0 || cy < 0 || cx > innerWidth || cy > innerHeight) continue;
      const cs = getComputedStyle(t);
      if (cs.visibility === 'hidden' || cs.display === 'none') continue;
      // Scrolled out of a pane (clipped by it): not on screen.
      let clipped = false;
      for (let e = t.parentElement; e && e !== document.body; e = e.parentElement) {
        const o = getComputedStyle(e);
        if (o.overflowX === 'visible' && o.overflowY === 'visible') continue;
        const c = e.getBoundingClientRect();
        if (cx < c.left || cx > c.right || cy < c.top || cy > c.bottom) { clipped = true; break; }
      }
      if (clipped) continue;
      const fg = parse(cs.fill);
      if (!fg) continue;
      let bg = null;
      for (const e of document.elementsFromPoint(cx, cy)) {
        if (e === t || t.contains(e) || e.tagName === 'tspan' || e.tagName === 'text' || e.tagName === 'line' || e.tagName === 'title') continue;
        if (e instanceof SVGElement && e.tagName !== 'svg') {
          const f = parse(getComputedStyle(e).fill);
          if (f && f[3] * Number(getComputedStyle(e).fillOpacity || 1) * opacityOf(e) > 0.99) { bg = f; break; }
          continue;
        }
        const b = parse(getComputedStyle(e).backgroundColor);
        if (b && b[3] > 0.99) { bg = b; break; }
      }
      if (!bg) continue;
      // The text's own opacity blends it into what is behind it.
      const a = fg[3] * Number(cs.fillOpacity || 1) * opacityOf(t);
      const seen = [0, 1, 2].map((k) => fg[k] * a + bg[k] * (1 - a));
      const size = parseFloat(cs.fontSize) * (t.closest('svg').getBoundingClientRect().width / (t.closest('svg').viewBox.baseVal?.width || t.closest('svg').getBoundingClientRect().width));
      const large = size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700);
      const need = large ? 3 : 4.5;
      const got = ratio(seen, bg);
      if (got < need - 0.005) out.push(\`"\${(t.textContent || '').trim().slice(0, 40)}" \${cs.fill} on rgb(\${bg.slice(0, 3).join(', ')}): \${got.toFixed(2)}:1 < \${need}\`);
    }
    return out;
})()`;
