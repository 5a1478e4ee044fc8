// The parsed form of a display filter.

export type CmpOp = 'any_eq' | 'all_ne' | 'all_eq' | 'any_ne' | 'gt' | 'lt' | 'ge' | 'le';

export interface Span { start: number; end: number }

export type Literal =
  | { kind: 'word'; text: string } & Span
  | { kind: 'string'; text: string } & Span;

export type SetItem = { lo: Literal; hi?: Literal };

export type Node =
  | ({ type: 'or' | 'and' | 'xor'; left: Node; right: Node } & Span)
  | ({ type: 'not'; expr: Node } & Span)
  | ({ type: 'exists'; field: string } & Span)
  | ({ type: 'cmp'; field: string; op: CmpOp; value: Literal } & Span)
  | ({ type: 'in'; field: string; items: SetItem[] } & Span)
  | ({ type: 'contains'; field: string; value: Literal } & Span)
  | ({ type: 'matches'; field: string; value: Literal } & Span);
