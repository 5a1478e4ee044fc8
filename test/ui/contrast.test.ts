// WCAG 2.2 AA contrast of the colours drawn in SVG and on canvas, which axe-core does not measure: every pair
// of theme colours the ladder, the state diagram, the layers strip and the graphs draw with, in both themes
// (read from theme.css itself): text at least 4.5:1, lines and marks that carry meaning at least 3:1.
// The end-to-end test measures the SVG text actually drawn; this list says which pairs the drawings use.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const css = readFileSync(join(__dirname, '..', '..', 'renderer', 'src', 'styles', 'theme.css'), 'utf8');

type Kind = 'text' | 'graphic';
/** [foreground, background, kind, where it is drawn]. */
const PAIRS: [string, string, Kind, string][] = [
  // Ladder
  ['--text', '--panel', 'text', 'segment labels, frame numbers'],
  ['--muted', '--panel', 'text', 'times, segments still to come, call times'],
  ['--text', '--accent-soft', 'text', "the current segment's row"],
  ['--muted', '--accent-soft', 'text', "the current segment's time"],
  ['--ws-bad-fg', '--ws-bad-bg', 'text', 'Bad TCP labels'],
  ['--client', '--client-soft', 'text', 'client state pills'],
  ['--server', '--server-soft', 'text', 'server state pills'],
  ['--text', '--panel-2', 'text', 'socket call boxes'],
  ['--muted', '--panel-2', 'text', 'addresses under the names, the CLOSED pill after TIME_WAIT'],
  ['--accent', '--panel', 'text', "TIME_WAIT's countdown"],
  ['--line', '--panel', 'graphic', 'timelines, TIME_WAIT bar'],
  ['--client', '--panel', 'graphic', "client arrows and calls"],
  ['--server', '--panel', 'graphic', "server arrows and calls"],
  ['--accent', '--panel', 'graphic', 'the travelling packet, the countdown'],
  // State diagram
  ['--text', '--panel-2', 'text', 'state names'],
  ['--text', '--client-soft', 'text', "the client's state"],
  ['--text', '--server-soft', 'text', "the server's state"],
  ['--text', '--accent-soft', 'text', 'a state both are in'],
  ['--muted', '--panel', 'text', 'edge events and actions'],
  ['--on-who', '--client', 'text', 'the C token'],
  ['--on-who', '--server', 'text', 'the S token'],
  ['--line', '--panel', 'graphic', 'edges'],
  ['--client', '--panel', 'graphic', 'edges the client took'],
  ['--server', '--panel', 'graphic', 'edges the server took'],
  // Layers
  ['--on-osi', '--osi-1', 'text', 'encapsulation strip'],
  ['--on-osi', '--osi-2', 'text', 'encapsulation strip'],
  ['--on-osi', '--osi-3', 'text', 'encapsulation strip'],
  ['--on-osi', '--osi-4', 'text', 'encapsulation strip'],
  ['--on-osi', '--osi-5', 'text', 'encapsulation strip'],
  ['--osi-2', '--panel', 'text', 'layer card protocol names'],
  ['--osi-3', '--panel', 'text', 'layer card protocol names'],
  ['--osi-4', '--panel', 'text', 'layer card protocol names'],
  ['--osi-5', '--panel', 'text', 'layer card protocol names'],
  ['--osi-1', '--panel', 'text', 'layer card protocol names'],
  // Graphs (canvas)
  ['--muted', '--panel', 'text', 'axis ticks and titles'],
  ['--text', '--panel', 'text', 'legends'],
  ['--ok', '--panel', 'graphic', 'ACK line'],
  ['--osi-5', '--panel', 'graphic', 'receive window line'],
  ['--err', '--panel', 'graphic', 'retransmission and zero window marks'],
  ['--warn', '--panel', 'graphic', 'duplicate ACK marks'],
];

/** The custom properties of one theme block (`:root, :root.light` or `:root.dark`). */
function themeVars(selector: RegExp): Record<string, string> {
  const block = new RegExp(`${selector.source}\\s*\\{([^}]*)\\}`).exec(css);
  if (!block) throw new Error(`no theme block ${selector}`);
  const vars: Record<string, string> = {};
  for (const m of block[1].matchAll(/(--[\w-]+)\s*:\s*(#[0-9a-fA-F]{3,6})\b/g)) vars[m[1]] = m[2];
  return vars;
}

function luminance(hex: string): number {
  const h = hex.length === 4 ? hex.slice(1).split('').map((c) => c + c).join('') : hex.slice(1);
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
export function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

const THEMES = { light: /:root, :root\.light/, dark: /:root\.dark/ };

describe('theme colour pairs drawn in SVG and canvas', () => {
  it('the contrast formula is WCAG\'s', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });
  for (const [theme, sel] of Object.entries(THEMES)) {
    it(`${theme}: text ≥ 4.5:1, meaningful graphics ≥ 3:1`, () => {
      const vars = themeVars(sel);
      const failures: string[] = [];
      for (const [fg, bg, kind, where] of PAIRS) {
        const a = vars[fg], b = vars[bg];
        if (!a || !b) { failures.push(`${fg} on ${bg}: not defined in the ${theme} theme`); continue; }
        const r = contrast(a, b);
        if (r < (kind === 'text' ? 4.5 : 3)) failures.push(`${fg} ${a} on ${bg} ${b} (${where}): ${r.toFixed(2)}:1`);
      }
      expect(failures).toEqual([]);
    });
  }
});
