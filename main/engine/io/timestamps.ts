// Exact timestamp conversion: 64-bit tick counts in any resolution → whole seconds + nanoseconds,
// without floating-point rounding (a double holds only 53 bits; ns since 1970 needs 61).

/**
 * Splits the 64-bit value high·2³² + low into (value / divisor, value % divisor) exactly,
 * by long division over 16-bit digits (each step stays below 2⁵³ for divisors up to 2³⁷).
 */
export function divmod64(high: number, low: number, divisor: number): [number, number] {
  const digits = [high >>> 16, high & 0xffff, low >>> 16, low & 0xffff];
  let rem = 0;
  let quot = 0;
  for (const d of digits) {
    const cur = rem * 65536 + d;
    const q = Math.floor(cur / divisor);
    rem = cur - q * divisor;
    quot = quot * 65536 + q;
  }
  return [quot, rem];
}

/** Resolution of one tick: `units` ticks per second (10ⁿ or 2ⁿ). */
export function ticksToTime(high: number, low: number, unitsPerSecond: number): { sec: number; nsec: number } {
  if (unitsPerSecond === 1_000_000) {
    const [sec, rem] = divmod64(high, low, 1_000_000);
    return { sec, nsec: rem * 1000 };
  }
  if (unitsPerSecond === 1_000_000_000) {
    const [sec, rem] = divmod64(high, low, 1_000_000_000);
    return { sec, nsec: rem };
  }
  // Any other resolution: as wiretap does it, in integers: nsec = rem · 10⁹ / units (truncated).
  const v = (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
  const u = BigInt(unitsPerSecond);
  const sec = v / u;
  const rem = v % u;
  return { sec: Number(sec), nsec: Number((rem * 1_000_000_000n) / u) };
}
