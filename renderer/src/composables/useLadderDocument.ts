// The selected connection's ladder as an SVG document (lib/ladder-export.ts): "Export SVG/PNG" draws it in
// the page's theme, a lesson report in print colours.
import { useI18n } from 'vue-i18n';
import type { LadderSegment } from '../api';
import { buildLadderSvg, type ExportColors } from '../lib/ladder-export';
import { ladderLayout } from '../lib/ladder-geometry';
import { ladderPlan } from '../lib/ladder-plan';
import { useLadderStore } from '../stores/ladder';

/** Colours of the light theme, for paper. */
export const PRINT_COLORS: ExportColors = { bg: '#ffffff', text: '#1d2330', muted: '#5f6b7a', line: '#c9ced6', client: '#2563eb', server: '#c2570c', badBg: '#000000', badFg: '#ff5f5f', pill: '#ffffff', call: '#eef1f5' };

/** The page's own colours (its theme). */
export function themeColors(): ExportColors {
  const cs = getComputedStyle(document.documentElement);
  const v = (n: string): string => cs.getPropertyValue(n).trim() || '#000';
  return { bg: v('--panel'), text: v('--text'), muted: v('--muted'), line: v('--line'), client: v('--client'), server: v('--server'), badBg: v('--ws-bad-bg'), badFg: v('--ws-bad-fg'), pill: v('--panel'), call: v('--panel-2') };
}

export function useLadderDocument(): (opts: { width: number; colors: ExportColors }) => Promise<{ svg: string; width: number; height: number; name: string }> {
  const { t } = useI18n();
  const ladder = useLadderStore();
  return async ({ width, colors }) => {
    const n = Math.min(ladder.total, 2000);
    await ladder.ensure(0, n - 1);
    const segs: LadderSegment[] = [];
    for (let i = 0; i < n; i++) { const s = ladder.segmentAt(i); if (s) segs.push(s); }
    const L = { ...ladderLayout(Math.max(760, width)), top: 92 }; // room for the names above the timelines
    const initial = ladder.total ? ladder.initialStates() : null;
    const plan = ladderPlan({ total: segs.length, segmentAt: (i) => segs[i], events: ladder.events, mode: 'rows', L, room: 700, zoom: 1, finalStates: ladder.summary?.states ?? null });
    const svg = buildLadderSvg(segs, plan, ladder.summary, initial, L, ladder.relative, colors, { client: t('who.client'), server: t('who.server'), timeWait: t('ladder.timeWait') });
    return { svg, width: L.width, height: plan.model.height, name: `ladder-stream-${ladder.stream ?? 0}` };
  };
}
