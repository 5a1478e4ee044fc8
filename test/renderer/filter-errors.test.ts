// Filter errors are the app's own text, so they are translated: every error the engine can give has a text
// in both languages, said from its code with the filter's own words (field names, values) kept as typed.
import { describe, expect, it } from 'vitest';
import '../../main/engine/dissect/index'; // registers the fields filters know
import { compileFilter } from '../../main/engine/filter/index';
import type { FilterErrorCode } from '../../main/engine/filter/lexer';
import { createI18nFor } from '../../renderer/src/i18n';
import { filterErrorText } from '../../renderer/src/lib/filter-error';

/** One filter per error code, and the words of it the message must keep. */
const CASES: [string, FilterErrorCode, string[]][] = [
  ['tcp.payload contains "abc', 'unterminated_string', []],
  ['tcp.port == 80 )', 'unexpected', [')']],
  ['tcp.port ==', 'unexpected_end', []],
  ['tcp.port in {}', 'empty_set', []],
  ['tcp.portt == 80', 'unknown_field', ['tcp.portt']],
  ['tcp.port == eighty', 'bad_value', ['eighty']],
  ['ip.src == 300.1.1.1', 'bad_value', ['300.1.1.1']],
  ['tcp == 1', 'protocol_compared', ['tcp']],
  ['tcp.port contains "a"', 'contains_field', ['tcp.port']],
  ['tcp.payload matches "("', 'bad_regex', []],
  [`${'('.repeat(70)}tcp${')'.repeat(70)}`, 'too_deep', ['64']],
];

describe('filter errors', () => {
  const ALL: FilterErrorCode[] = ['unterminated_string', 'unexpected', 'unexpected_end', 'empty_set', 'unknown_field', 'bad_value', 'protocol_compared', 'contains_value', 'contains_field', 'bad_regex', 'too_deep'];
  it('every code has a text in both languages (contains_value guards a case the parser cannot reach today)', () => {
    for (const locale of ['en', 'zh-CN'] as const) for (const c of ALL) expect(createI18nFor(locale).global.te(`filter.errors.${c}`, locale), `${locale} ${c}`).toBe(true);
    expect(new Set(CASES.map((c) => c[1])).size).toBe(ALL.length - 1);
  });
  for (const locale of ['en', 'zh-CN'] as const) {
    it(`are said in ${locale} from their code`, () => {
      const { t, te } = createI18nFor(locale).global;
      for (const [filter, code, words] of CASES) {
        const r = compileFilter(filter);
        expect(r.ok, filter).toBe(false);
        if (r.ok) continue;
        expect(r.error.code, filter).toBe(code);
        const text = filterErrorText(r.error, (k, p) => t(k, p ?? {}), (k) => te(k, locale));
        expect(te(`filter.errors.${code}`, locale), code).toBe(true);
        for (const w of words) expect(text, filter).toContain(w);
        if (locale === 'zh-CN') expect(text, filter).toMatch(/[\u4e00-\u9fff]/);
        expect(text).not.toMatch(/\{[a-z]+\}/); // every parameter filled in
      }
    });
  }
});
