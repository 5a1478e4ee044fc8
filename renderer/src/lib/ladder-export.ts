// The ladder as a standalone SVG document (for "Export SVG" and, rasterised, "Export PNG"): same geometry
// as the view, colours inlined so the file looks right anywhere.
import type { ConnectionSummary, EndpointStates, LadderSegment } from '../api';
import { arrowAt, expertMarks, isBadTcp, pillWidth, segmentLabel, stateMarks, type LadderLayout } from './ladder-geometry';
import type { LadderPlan } from './ladder-plan';
import { CALL_H } from './ladder-rows';

export interface ExportColors {
  bg: string; text: string; muted: string; line: string; client: string; server: string; badBg: string; badFg: string; pill: string; call: string;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const CHAR = 7.5; // width of one character of the 12.5px monospace labels
const CALL_CHAR = 6.9; // of the 11.5px call texts

export function buildLadderSvg(segs: LadderSegment[], plan: LadderPlan, summary: ConnectionSummary | null, initial: EndpointStates | null, L: LadderLayout, relative: boolean, c: ExportColors,
  names = { client: 'Client', server: 'Server', timeWait: 'TIME_WAIT' }): string {
  const h = plan.model.height;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${L.width}" height="${h}" viewBox="0 0 ${L.width} ${h}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="12.5">`);
  out.push(`<rect width="100%" height="100%" fill="${c.bg}"/>`);
  out.push(`<defs><marker id="hc" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5.5" markerHeight="5.5" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="${c.client}"/></marker><marker id="hs" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5.5" markerHeight="5.5" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="${c.server}"/></marker></defs>`);
  out.push(`<text x="${L.clientX}" y="26" text-anchor="middle" font-weight="700" fill="${c.client}" font-family="sans-serif" font-size="14">${esc(names.client)}</text>`);
  out.push(`<text x="${L.serverX}" y="26" text-anchor="middle" font-weight="700" fill="${c.server}" font-family="sans-serif" font-size="14">${esc(names.server)}</text>`);
  if (summary) {
    out.push(`<text x="${L.clientX}" y="46" text-anchor="middle" fill="${c.muted}">${esc(summary.client)}</text>`);
    out.push(`<text x="${L.serverX}" y="46" text-anchor="middle" fill="${c.muted}">${esc(summary.server)}</text>`);
  }
  out.push(`<line x1="${L.clientX}" y1="${L.top - 14}" x2="${L.clientX}" y2="${h - 10}" stroke="${c.line}" stroke-width="2"/>`);
  out.push(`<line x1="${L.serverX}" y1="${L.top - 14}" x2="${L.serverX}" y2="${h - 10}" stroke="${c.line}" stroke-width="2"/>`);
  if (initial) {
    out.push(pill(L.clientX - 12 - pillWidth(initial.client), L.top - 4, initial.client, c.client, c));
    out.push(pill(L.serverX + 12, L.top - 4, initial.server, c.server, c));
  }
  plan.calls.forEach((pc, k) => {
    const y = plan.model.callTop(k) + CALL_H / 2;
    const e = pc.event;
    const col = e.endpoint === 'client' ? c.client : c.server;
    const x = e.endpoint === 'client' ? L.clientX : L.serverX;
    const full = `${e.text}${e.result ? ` → ${e.result}` : ''}`;
    const max = Math.max(8, Math.floor((L.serverX - L.clientX - 40) / CALL_CHAR));
    const text = full.length > max ? `${full.slice(0, max - 1)}…` : full;
    const w = text.length * CALL_CHAR + 14;
    const bx = e.endpoint === 'client' ? x + 12 : x - 12 - w;
    const t = plan.callTime(k);
    if (t !== null && plan.callLabels[k]) out.push(`<text x="${L.timeX}" y="${y + 4}" fill="${c.muted}" font-size="11">${t.toFixed(6)}</text>`);
    out.push(`<circle cx="${x}" cy="${y}" r="4.5" fill="${col}"/>`);
    if (plan.callLabels[k]) {
      out.push(`<line x1="${x}" y1="${y}" x2="${e.endpoint === 'client' ? bx : bx + w}" y2="${y}" stroke="${col}" stroke-width="1.5" stroke-dasharray="3 3"/>`);
      out.push(`<rect x="${bx}" y="${y - 10}" width="${w}" height="20" rx="4" fill="${c.call}" stroke="${col}" stroke-width="1.2"/>`);
      out.push(`<text x="${bx + 7}" y="${y + 4}" fill="${c.text}" font-size="11.5">${esc(text)}</text>`);
    }
  });
  segs.forEach((s, i) => {
    const a = arrowAt(s, plan.model.segmentTop(i) + L.arrowDy, L, plan.drop);
    const col = s.direction === 'c2s' ? c.client : c.server;
    const roomy = plan.segmentLabels[i] ?? true;
    if (roomy) {
      out.push(`<text x="${L.timeX}" y="${a.y1 + 4}" fill="${c.text}" font-weight="700">${s.frame}</text>`);
      out.push(`<text x="${L.timeX}" y="${a.y1 + 19}" fill="${c.muted}" font-size="11">${s.time.toFixed(6)}</text>`);
    }
    out.push(`<line x1="${a.x1}" y1="${a.y1}" x2="${a.x2}" y2="${a.y2}" stroke="${col}" stroke-width="2" marker-end="url(#${s.direction === 'c2s' ? 'hc' : 'hs'})"${isBadTcp(s) ? ' stroke-dasharray="6 4"' : ''}/>`);
    if (!roomy) return;
    const label = segmentLabel(s, relative);
    const marks = expertMarks(s.info);
    const text = marks.length ? `${marks.map((m) => `[${m}]`).join(' ')} ${label}` : label;
    const w = text.length * CHAR;
    if (isBadTcp(s)) out.push(`<rect x="${a.midX - w / 2 - 4}" y="${a.midY - 22}" width="${w + 8}" height="18" rx="3" fill="${c.badBg}"/>`);
    out.push(`<text x="${a.midX}" y="${a.midY - 9}" text-anchor="middle" fill="${isBadTcp(s) ? c.badFg : c.text}">${esc(text)}</text>`);
    for (const m of stateMarks(s, a, L)) for (const p of m.pills) out.push(pill(p.x, p.y + 4, p.text, m.endpoint === 'client' ? c.client : c.server, c));
  });
  for (const who of plan.timeWait) {
    const x = who === 'client' ? L.clientX : L.serverX;
    const y = plan.model.end;
    const anchor = who === 'client' ? 'end' : 'start';
    const lx = x + (who === 'client' ? -16 : 16);
    out.push(`<text x="${lx}" y="${y + 16}" text-anchor="${anchor}" fill="${c.text}" font-size="12" font-weight="700">${esc(names.timeWait)}</text>`);
    out.push(`<rect x="${x - 5}" y="${y + 30}" width="10" height="120" rx="3" fill="${c.call}" stroke="${c.line}" stroke-width="1.5"/>`);
    out.push(pill(who === 'client' ? x - 12 - pillWidth('CLOSED') : x + 12, y + 166, 'CLOSED', c.muted, c));
  }
  out.push('</svg>');
  return out.join('\n');
}

/** A state pill whose left edge is x, text baseline y. */
function pill(x: number, y: number, text: string, color: string, c: ExportColors): string {
  const w = pillWidth(text);
  return `<rect x="${x}" y="${y - 13}" width="${w}" height="19" rx="9.5" fill="${c.pill}" stroke="${color}"/><text x="${x + w / 2}" y="${y}" text-anchor="middle" fill="${color}" font-size="11.5" font-weight="700">${esc(text)}</text>`;
}

/** Rasterises an SVG document to PNG (2× for sharp slides). */
export async function svgToPng(svg: string, width: number, height: number, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => { img.onload = () => resolve(); img.onerror = () => reject(new Error('could not draw the SVG')); img.src = url; });
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d')!;
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, width, height);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}
