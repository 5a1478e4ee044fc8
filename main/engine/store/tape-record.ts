// A frame's tape (tape.ts) packed into the store's arena: a count, then per value a varint whose low
// three bits say what follows (a non-negative integer, a negative one, a double, a string's UTF-16
// code units, or the number of a long string kept aside). Most frames have no tape; the few values a
// tape holds (a stream number, a request's frame) cost a byte or two each.
import { Tape } from '../tape';
import type { ArenaReader, ArenaWriter } from './arena';

const NONNEG = 0, NEG = 1, DOUBLE = 2, STRING = 3, LONG_STRING = 4;
/** Strings longer than this are kept in the store's list of long strings, not in the arena record. */
const INLINE_MAX = 1024;

export function writeTape(arena: ArenaWriter, tape: Tape, longStrings: string[]): number {
  arena.begin();
  const values = tape.values;
  arena.uint(values.length);
  for (const v of values) {
    if (typeof v === 'string') {
      if (v.length > INLINE_MAX || !arena.room(3 * v.length + 16)) {
        arena.uint(longStrings.length * 8 + LONG_STRING);
        longStrings.push(v);
        continue;
      }
      arena.uint(v.length * 8 + STRING);
      for (let i = 0; i < v.length; i++) arena.uint(v.charCodeAt(i));
    } else if (Number.isInteger(v) && Math.abs(v) < 2 ** 49) {
      arena.uint(v >= 0 ? v * 8 + NONNEG : -v * 8 + NEG);
    } else {
      arena.uint(DOUBLE);
      arena.double(v);
    }
  }
  return arena.end();
}

export function readTape(reader: ArenaReader, addr: number, longStrings: readonly string[]): Tape {
  const r = reader.at(addr);
  const tape = new Tape();
  const count = r.uint();
  for (let k = 0; k < count; k++) {
    const head = r.uint();
    const kind = head % 8, n = Math.floor(head / 8);
    if (kind === NONNEG) tape.record(n);
    else if (kind === NEG) tape.record(-n);
    else if (kind === DOUBLE) tape.record(r.double());
    else if (kind === LONG_STRING) tape.record(longStrings[n]);
    else {
      let s = '';
      for (let i = 0; i < n; i++) s += String.fromCharCode(r.uint());
      tape.record(s);
    }
  }
  return tape;
}
