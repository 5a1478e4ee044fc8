// A display filter's error in the user's language: by its code, with the filter's own words (field names,
// values) kept as typed; the engine's English message when the code has no text.
import type { FilterResult } from '../../../main/api/types';

type Translate = (key: string, params?: Record<string, string>) => string;
type Exists = (key: string) => boolean;
export type FilterErrorInfo = Extract<FilterResult, { ok: false }>['error'];

export function filterErrorText(e: FilterErrorInfo, t: Translate, te: Exists): string {
  if (!e.code || !te(`filter.errors.${e.code}`)) return e.message;
  const p: Record<string, string> = { ...(e.params ?? {}) };
  if (p.kind && te(`filter.kinds.${p.kind}`)) p.kind = t(`filter.kinds.${p.kind}`);
  if (p.expected && te(`filter.expected.${p.expected}`)) p.expected = t(`filter.expected.${p.expected}`);
  return t(`filter.errors.${e.code}${e.code === 'unexpected_end' && !p.expected ? 'Plain' : ''}`, p);
}
