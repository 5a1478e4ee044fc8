// Display filters: a useful subset of Wireshark's language, evaluated over decoded frames.
//   tcp.flags.syn == 1 && ip.addr == 127.0.0.1     tcp.port == 12345     tcp.analysis.retransmission
//   !arp    tcp.port in {80 443 8000..8080}    http.request.method == "GET"    tcp.payload contains "TCP"
import type { DecodedFrame } from '../types';
import { parseFilter } from './parser';
import { compile, fieldsOf, viewOf } from './compile';
import { FilterSyntaxError, type FilterErrorCode } from './lexer';

export interface CompiledFilter {
  ok: true;
  expression: string;
  /**
   * True when the frame passes the filter (`bytes`: the frame's bytes, `sources`: its reassembled
   * buffers, in frame.sources order, for "proto contains …").
   */
  match(frame: DecodedFrame, bytes?: Uint8Array, sources?: readonly Uint8Array[]): boolean;
}

export interface FilterError {
  ok: false;
  expression: string;
  error: { message: string; start: number; end: number; code: FilterErrorCode; params: Record<string, string> };
}

/** Compiles a display filter; an empty expression matches everything. */
export function compileFilter(expression: string): CompiledFilter | FilterError {
  if (expression.trim() === '') return { ok: true, expression, match: () => true };
  try {
    const tree = parseFilter(expression);
    const predicate = compile(tree);
    const wanted = fieldsOf(tree);
    return { ok: true, expression, match: (frame, bytes, sources) => predicate(viewOf(frame, wanted, bytes, sources)) };
  } catch (e) {
    if (e instanceof FilterSyntaxError) return { ok: false, expression, error: { message: e.message, start: e.start, end: e.end, code: e.code, params: e.params } };
    throw e;
  }
}
