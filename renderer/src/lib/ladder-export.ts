// The ladder as a standalone SVG document (for "Export SVG" and, rasterised, "Export PNG"): same geometry
// as the view, colours inlined so the file looks right anywhere.
import type { ConnectionSummary, EndpointStates, LadderSegment } from '../api';
import { arrowFor, expertMarks, isBadTcp, ladderHeight, segmentLabel, stateMarks, type LadderLayout } from './ladder-geometry';

export interface ExportColors {
  bg: string; text: string; muted: string; line: string; client: string; server: string; badBg: string; badFg: string; pill: string;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const CHAR = 7.5; // width of one character of the 12.5px monospace labels

export function buildLadderSvg(segs: LadderSegment[], summary: ConnectionSummary | null, initial: EndpointStates | null, L: LadderLayout, relative: boolean, c: ExportColors, names = { client: 'Client', server: 'Server' }): string {
  const h = ladderHeight(segs.length, L);
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
    out.push(pill(L.clientX - 12, L.top - 4, initial.client, 'end', c.client, c));
    out.push(pill(L.serverX + 12, L.top - 4, initial.server, 'start', c.server, c));
  }
  segs.forEach((s, i) => {
    const a = arrowFor(s, i, L);
    const col = s.direction === 'c2s' ? c.client : c.server;
    out.push(`<text x="${L.timeX}" y="${a.y1 + 4}" fill="${c.text}" font-weight="700">${s.frame}</text>`);
    out.push(`<text x="${L.timeX}" y="${a.y1 + 19}" fill="${c.muted}" font-size="11">${s.time.toFixed(6)}</text>`);
    out.push(`<line x1="${a.x1}" y1="${a.y1}" x2="${a.x2}" y2="${a.y2}" stroke="${col}" stroke-width="2" marker-end="url(#${s.direction === 'c2s' ? 'hc' : 'hs'})"${isBadTcp(s) ? ' stroke-dasharray="6 4"' : ''}/>`);
    const label = segmentLabel(s, relative);
    const marks = expertMarks(s.info);
    const text = marks.length ? `${marks.map((m) => `[${m}]`).join(' ')} ${label}` : label;
    const w = text.length * CHAR;
    if (isBadTcp(s)) out.push(`<rect x="${a.midX - w / 2 - 4}" y="${a.midY - 22}" width="${w + 8}" height="18" rx="3" fill="${c.badBg}"/>`);
    out.push(`<text x="${a.midX}" y="${a.midY - 9}" text-anchor="middle" fill="${isBadTcp(s) ? c.badFg : c.text}">${esc(text)}</text>`);
    for (const m of stateMarks(s, i, L)) out.push(pill(m.x, m.y + 4, m.path.join(' → '), m.anchor, m.endpoint === 'client' ? c.client : c.server, c));
  });
  out.push('</svg>');
  return out.join('\n');
}

function pill(x: number, y: number, text: string, anchor: 'start' | 'end', color: string, c: ExportColors): string {
  const w = text.length * 7 + 12;
  const rx = anchor === 'end' ? x - w : x;
  return `<rect x="${rx}" y="${y - 13}" width="${w}" height="18" rx="9" fill="${c.pill}" stroke="${color}"/><text x="${rx + w / 2}" y="${y}" text-anchor="middle" fill="${color}" font-size="11.5" font-weight="700">${esc(text)}</text>`;
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
