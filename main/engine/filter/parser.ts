// A recursive-descent parser for Wireshark's display-filter syntax (4.0 semantics for operators).
import type { CmpOp, Literal, Node, SetItem } from './ast';
import { FilterSyntaxError, tokenize, type Token } from './lexer';

const RELOPS: Record<string, CmpOp> = {
  '==': 'any_eq', eq: 'any_eq', any_eq: 'any_eq',
  // Since Wireshark 3.6, "a != b" means !(a == b): no occurrence equals.
  '!=': 'all_ne', ne: 'all_ne', all_ne: 'all_ne', '!==': 'all_ne',
  '===': 'all_eq', all_eq: 'all_eq',
  '~=': 'any_ne', any_ne: 'any_ne',
  '>': 'gt', gt: 'gt', '<': 'lt', lt: 'lt', '>=': 'ge', ge: 'ge', '<=': 'le', le: 'le',
};

/** Parentheses and "not"s nested deeper than this are refused (recursion must stay far from the stack's end). */
export const MAX_FILTER_DEPTH = 64;

const KEYWORDS = new Set(['and', 'or', 'not', 'xor', 'in', 'contains', 'matches', ...Object.keys(RELOPS).filter((k) => /^[a-z_]+$/.test(k))]);

/** What the parser expected where a filter ended early (a code the UI translates), and its English words. */
type Wanted = 'value' | 'field' | 'rparen' | 'lbrace' | 'rbrace';
const WANTED: Record<Wanted, string> = { value: 'a value', field: 'a field name', rparen: '")"', lbrace: '"{"', rbrace: '"}"' };

export function parseFilter(src: string): Node {
  const tokens = tokenize(src);
  let pos = 0;
  let depth = 0;
  const deeper = (t: Token): void => {
    if (++depth > MAX_FILTER_DEPTH) throw new FilterSyntaxError(`The filter nests parentheses or "not" more than ${MAX_FILTER_DEPTH} levels deep.`, t.start, t.end, 'too_deep', { max: String(MAX_FILTER_DEPTH) });
  };
  const peek = (): Token => tokens[pos];
  const next = (): Token => tokens[pos++];
  const isOp = (t: Token, ...names: string[]) => (t.kind === 'op' || t.kind === 'word') && names.includes(t.text);

  function expect(kind: Token['kind'], what: Wanted): Token {
    const t = next();
    if (t.kind !== kind) throw unexpected(t, what);
    return t;
  }

  function unexpected(t: Token, wanted?: Wanted): FilterSyntaxError {
    if (t.kind === 'end') {
      return new FilterSyntaxError(wanted ? `Unexpected end of filter expression (expected ${WANTED[wanted]}).` : 'Unexpected end of filter expression.', t.start, t.end, 'unexpected_end', wanted ? { expected: wanted } : {});
    }
    return new FilterSyntaxError(`"${t.text}" was unexpected in this context.`, t.start, t.end, 'unexpected', { text: t.text });
  }

  function binary(type: 'or' | 'xor' | 'and', ops: string[], sub: () => Node): () => Node {
    return () => {
      let left = sub();
      while (isOp(peek(), ...ops)) {
        next();
        const right = sub();
        left = { type, left, right, start: left.start, end: right.end };
      }
      return left;
    };
  }

  const parseAnd = binary('and', ['&&', 'and'], parseNot);
  const parseXor = binary('xor', ['^^', 'xor'], parseAnd);
  const parseOr = binary('or', ['||', 'or'], parseXor);

  function parseNot(): Node {
    const t = peek();
    if (isOp(t, '!', 'not')) {
      next();
      deeper(t);
      const expr = parseNot();
      depth--;
      return { type: 'not', expr, start: t.start, end: expr.end };
    }
    return parsePrimary();
  }

  function literal(): Literal {
    const t = next();
    if (t.kind === 'string') return { kind: 'string', text: t.text, start: t.start, end: t.end };
    if (t.kind === 'word' && !KEYWORDS.has(t.text)) return { kind: 'word', text: t.text, start: t.start, end: t.end };
    throw unexpected(t, 'value');
  }

  function parsePrimary(): Node {
    const t = peek();
    if (t.kind === 'lparen') {
      next();
      deeper(t);
      const inner = parseOr();
      depth--;
      const close = expect('rparen', 'rparen');
      return { ...inner, start: t.start, end: close.end };
    }
    if (t.kind !== 'word' || KEYWORDS.has(t.text) || !/^[A-Za-z_][A-Za-z0-9_.\-]*$/.test(t.text)) throw unexpected(t, 'field');
    next();
    const field = t.text;
    const op = peek();
    if (op.kind === 'op' || op.kind === 'word') {
      const rel = RELOPS[op.text];
      if (rel) {
        next();
        const value = literal();
        return { type: 'cmp', field, op: rel, value, start: t.start, end: value.end };
      }
      if (op.text === 'contains' || op.text === 'matches' || op.text === '~') {
        next();
        const value = literal();
        return { type: op.text === 'contains' ? 'contains' : 'matches', field, value, start: t.start, end: value.end };
      }
      if (op.text === 'in') {
        next();
        expect('lbrace', 'lbrace');
        const items: SetItem[] = [];
        for (;;) {
          if (peek().kind === 'rbrace') break;
          const lo = literal();
          // Ranges "80..90" arrive as one word; split them here.
          const dots = lo.kind === 'word' ? lo.text.indexOf('..') : -1;
          if (dots > 0) {
            items.push({
              lo: { kind: 'word', text: lo.text.slice(0, dots), start: lo.start, end: lo.start + dots },
              hi: { kind: 'word', text: lo.text.slice(dots + 2), start: lo.start + dots + 2, end: lo.end },
            });
          } else items.push({ lo });
          if (peek().kind === 'comma') next();
        }
        const close = expect('rbrace', 'rbrace');
        if (!items.length) throw new FilterSyntaxError('The set is empty.', op.start, close.end, 'empty_set');
        return { type: 'in', field, items, start: t.start, end: close.end };
      }
    }
    return { type: 'exists', field, start: t.start, end: t.end };
  }

  const tree = parseOr();
  const rest = peek();
  if (rest.kind !== 'end') throw unexpected(rest);
  return tree;
}
