// Tokens of Wireshark's display-filter language (the subset we accept).

export type TokenKind = 'word' | 'string' | 'op' | 'lparen' | 'rparen' | 'lbrace' | 'rbrace' | 'comma' | 'end';

export interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
}

/**
 * What is wrong with a filter: an English message, and a code with its parameters for the UI to say it in
 * the user's language (field names and the filter's own text stay as written).
 */
export type FilterErrorCode =
  | 'unterminated_string' | 'unexpected' | 'unexpected_end' | 'empty_set' | 'unknown_field' | 'bad_value'
  | 'protocol_compared' | 'contains_value' | 'contains_field' | 'bad_regex' | 'too_deep';

export class FilterSyntaxError extends Error {
  constructor(message: string, readonly start: number, readonly end: number, readonly code: FilterErrorCode, readonly params: Record<string, string> = {}) {
    super(message);
    this.name = 'FilterSyntaxError';
  }
}

const OPS = ['===', '!==', '==', '!=', '~=', '>=', '<=', '&&', '||', '^^', '>', '<', '!', '~'];
// Words are field names, numbers, addresses (IPv4, IPv6, MAC, CIDR), and keyword operators.
const WORD = /[A-Za-z0-9_.:\-/]/;

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { i++; continue; }
    const start = i;
    if (c === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new FilterSyntaxError('The string is not terminated (missing ").', start, src.length, 'unterminated_string');
        const ch = src[i];
        if (ch === '"') { i++; break; }
        if (ch === '\\' && i + 1 < src.length) {
          const n = src[i + 1];
          s += n === 'n' ? '\n' : n === 't' ? '\t' : n === 'r' ? '\r' : n;
          i += 2;
          continue;
        }
        s += ch;
        i++;
      }
      out.push({ kind: 'string', text: s, start, end: i });
      continue;
    }
    if (c === '(') { out.push({ kind: 'lparen', text: c, start, end: ++i }); continue; }
    if (c === ')') { out.push({ kind: 'rparen', text: c, start, end: ++i }); continue; }
    if (c === '{') { out.push({ kind: 'lbrace', text: c, start, end: ++i }); continue; }
    if (c === '}') { out.push({ kind: 'rbrace', text: c, start, end: ++i }); continue; }
    if (c === ',') { out.push({ kind: 'comma', text: c, start, end: ++i }); continue; }
    // "::1" and "::" are words (IPv6), not operators.
    const op = c === ':' ? undefined : OPS.find((o) => src.startsWith(o, i));
    if (op) {
      i += op.length;
      out.push({ kind: 'op', text: op, start, end: i });
      continue;
    }
    if (WORD.test(c)) {
      while (i < src.length && WORD.test(src[i])) i++;
      out.push({ kind: 'word', text: src.slice(start, i), start, end: i });
      continue;
    }
    throw new FilterSyntaxError(`"${c}" was unexpected in this context.`, start, start + 1, 'unexpected', { text: c });
  }
  out.push({ kind: 'end', text: '', start: src.length, end: src.length });
  return out;
}
