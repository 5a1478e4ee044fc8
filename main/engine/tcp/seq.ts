// 32-bit sequence-number arithmetic, wrap-safe, as packet-tcp.h defines it (GT_SEQ, LT_SEQ, …):
// a is "after" b when the signed 32-bit difference b - a is negative. Inputs are any numbers
// holding a uint32 (or int32) bit pattern; results of add/sub are normalised to 0..2^32-1.

/** (a + b) mod 2^32. */
export function add(a: number, b: number): number {
  return (a + b) >>> 0;
}

/** (a - b) mod 2^32, as an unsigned number. */
export function sub(a: number, b: number): number {
  return (a - b) >>> 0;
}

/**
 * (a + b) and (a - b) mod 2^32 as signed 32-bit numbers: how the tracker stores sequence numbers, as
 * small integers to V8 (an unsigned value from 2^31 up is a boxed double, one more memory access).
 */
export function add32(a: number, b: number): number {
  return (a + b) | 0;
}

export function sub32(a: number, b: number): number {
  return (a - b) | 0;
}

/** Signed distance from b to a (a - b as a signed 32-bit number). */
export function diff(a: number, b: number): number {
  return (a - b) | 0;
}

/** a > b in sequence space (GT_SEQ). */
export function gt(a: number, b: number): boolean {
  return ((b - a) | 0) < 0;
}

/** a < b in sequence space (LT_SEQ). */
export function lt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

/** a >= b in sequence space (GE_SEQ). */
export function ge(a: number, b: number): boolean {
  return ((b - a) | 0) <= 0;
}

/** a <= b in sequence space (LE_SEQ). */
export function le(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}
