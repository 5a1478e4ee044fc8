// The student's report of a lesson as one self-contained HTML document (no script, no outside file: styles
// and the ladder diagram as SVG are inside), to hand in or print (the desktop app also saves it as PDF):
// name, date, lesson, every question with the first answer given, the right answer (once it was found),
// the time the first answer took, and the score, where a question not answered counts as wrong.
import type { LessonState, LessonView } from '../api';

export interface ReportInput {
  lesson: LessonView;
  state: LessonState;
  lang: 'en' | 'zh-CN';
  /** The student's name ('' leaves the field to fill in). */
  name: string;
  date: Date;
  /** The lesson's connection as a ladder diagram (an SVG document), or null. */
  ladderSvg: string | null;
  /** The app's words, translated (keys under `report.` in the i18n files). */
  t: (key: string, params?: Record<string, unknown>) => string;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** "8.4 s", "2 min 5 s". */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** The SVG as it may sit inside HTML (its XML prolog, if any, dropped). */
function inlineSvg(svg: string): string {
  return svg.replace(/^<\?xml[^>]*>\s*/, '');
}

export function buildReport(r: ReportInput): string {
  const { lesson, state, lang, t } = r;
  const date = r.date.toLocaleDateString(lang, { year: 'numeric', month: 'long', day: 'numeric' });
  const rows = state.questions.flatMap((q, i) => {
    const step = lesson.steps[i];
    if (!q || !step?.question) return [];
    const result = q.first === null ? t('report.notAnswered') : q.firstCorrect ? t('report.right') : t('report.wrong');
    const cls = q.firstCorrect ? 'ok' : 'no';
    return [`<tr class="${cls}" data-step="${i + 1}">
  <td class="n">${i + 1}</td>
  <td>${esc(step.question.prompt[lang])}</td>
  <td class="a">${q.first ? esc(q.first[lang]) : `<em>${esc(t('report.notAnswered'))}</em>`}</td>
  <td class="a">${q.reveal ? esc(q.reveal.answer[lang]) : `<em>${esc(t(q.available ? 'report.notFound' : 'report.notAsked'))}</em>`}</td>
  <td class="n">${esc(formatDuration(q.timeMs))}</td>
  <td class="r">${esc(result)}</td>
</tr>`];
  });
  const { right, total } = state.score;
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="generator" content="Handshake Lab">
<title>${esc(t('report.title'))} — ${esc(lesson.title[lang])}</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; color: #1b2330; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; line-height: 1.45; }
  h1 { font-size: 1.5rem; margin: 0 0 0.2rem; }
  .kicker { text-transform: uppercase; letter-spacing: 0.06em; color: #2a62c9; font-weight: 700; font-size: 0.8rem; margin: 0; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.3rem 1rem; margin: 1rem 0 1.5rem; }
  dt { font-weight: 650; color: #4a5568; }
  dd { margin: 0; }
  .name { font: inherit; border: none; border-bottom: 1px solid #4a5568; min-width: 18rem; padding: 0.1rem 0.2rem; background: transparent; color: inherit; }
  .score { font-size: 1.2rem; font-weight: 700; }
  table { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
  th, td { border-bottom: 1px solid #d6dbe3; padding: 0.4rem 0.5rem; text-align: left; vertical-align: top; }
  th { background: #f1f4f9; font-weight: 650; }
  td.n { white-space: nowrap; font-variant-numeric: tabular-nums; }
  td.a { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.86rem; }
  tr.ok td.r { color: #1f7a3a; font-weight: 650; }
  tr.no td.r { color: #b3261e; font-weight: 650; }
  h2 { font-size: 1.1rem; margin: 2rem 0 0.6rem; }
  .ladder svg { max-width: 100%; height: auto; border: 1px solid #d6dbe3; border-radius: 6px; }
  footer { margin-top: 2rem; font-size: 0.8rem; color: #6b7480; }
  @media print { body { margin: 0; max-width: none; } .ladder { break-before: page; } }
</style>
</head>
<body>
<p class="kicker">${esc(t('report.title'))}</p>
<h1>${esc(lesson.title[lang])}</h1>
<dl>
  <dt>${esc(t('report.name'))}</dt><dd><input class="name" type="text" value="${esc(r.name)}" aria-label="${esc(t('report.name'))}" data-field="name"></dd>
  <dt>${esc(t('report.date'))}</dt><dd data-field="date">${esc(date)}</dd>
  <dt>${esc(t('report.lesson'))}</dt><dd data-field="lesson">${esc(lesson.title[lang])} <code>(${esc(lesson.id)})</code></dd>
  <dt>${esc(t('report.score'))}</dt><dd class="score" data-field="score">${esc(t('report.scoreValue', { right, total }))}</dd>
</dl>
<table>
<thead><tr><th>${esc(t('report.step'))}</th><th>${esc(t('report.question'))}</th><th>${esc(t('report.firstAnswer'))}</th><th>${esc(t('report.rightAnswer'))}</th><th>${esc(t('report.time'))}</th><th>${esc(t('report.result'))}</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
<p>${esc(t('report.scoreNote'))}</p>
${r.ladderSvg ? `<h2>${esc(t('report.ladder'))}</h2>\n<div class="ladder">${inlineSvg(r.ladderSvg)}</div>` : ''}
<footer>${esc(t('report.footer', { date: r.date.toISOString() }))}</footer>
</body>
</html>
`;
}
