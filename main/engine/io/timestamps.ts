// Exact timestamp conversion: 64-bit tick counts in any pcapng resolution → whole seconds + nanoseconds,
// as wiretap computes them, without floating-point rounding (a double holds 53 bits; ns since 1970 need 61)
// and without allocating per frame (one converter per interface; results land in its fields).

const TWO32 = 4294967296;
const MASK64 = (1n << 64n) - 1n;

/**
 * Ticks-per-second from a pcapng if_tsresol byte, as wiretap reads it: 10^n, or 2^n when the top bit is set;
 * exponents that overflow 64 bits (10^20 and up, 2^64 and up) become 2^64 − 1.
 */
export function unitsFromTsresol(resol: number): bigint {
  const exp = resol & 0x7f;
  if (resol & 0x80) return exp < 64 ? 1n << BigInt(exp) : MASK64;
  return exp < 20 ? 10n ** BigInt(exp) : MASK64;
}

/**
 * Converts tick counts of one resolution. `convert(high, low)` sets `sec` and `nsec` to
 * sec = ticks / units and nsec = ((ticks mod units) · 10⁹ mod 2⁶⁴) / units, wiretap's formula, 64-bit
 * wrap included (it only matters for resolutions finer than ~10⁻¹⁰ s, which wiretap gets wrong the same way).
 */
export class TickConverter {
  sec = 0;
  nsec = 0;
  /** Ticks per second, exactly. */
  readonly units: bigint;
  private readonly unitsNum: number;
  /** 0: 10^k with k ≤ 9; 1: 2^k with k ≤ 32; 2: anything else (BigInt). */
  private readonly kind: 0 | 1 | 2;
  /** kind 0: 10^(9−k); kind 1: 2^(k−9) divisor (or a 10⁹ multiplier when k < 9, see convert). */
  private readonly scale: number;
  private readonly pow2: number;

  constructor(units: bigint | number = 1_000_000) {
    this.units = BigInt(units);
    this.unitsNum = Number(this.units);
    let kind: 0 | 1 | 2 = 2;
    let scale = 1;
    let pow2 = 0;
    for (let k = 0, p = 1n; k <= 9; k++, p *= 10n) {
      if (p === this.units) {
        kind = 0;
        scale = 10 ** (9 - k);
        break;
      }
    }
    if (kind === 2) {
      for (let k = 0; k <= 32; k++) {
        if (1n << BigInt(k) === this.units) {
          kind = 1;
          pow2 = k;
          break;
        }
      }
    }
    this.kind = kind;
    this.scale = scale;
    this.pow2 = pow2;
  }

  convert(high: number, low: number): void {
    const units = this.unitsNum;
    // Quotients above 2^53 would lose digits in doubles: leave those to BigInt.
    if (this.kind === 2 || high >= units * 2097152) {
      this.convertBig(high, low);
      return;
    }
    // Long division of high·2³² + low by units over 16-bit digits: every step stays below units·2¹⁶ ≤ 2⁵³.
    let cur = high >>> 16;
    let q = Math.floor(cur / units);
    let rem = cur - q * units;
    let quot = q;
    cur = rem * 65536 + (high & 0xffff);
    q = Math.floor(cur / units);
    rem = cur - q * units;
    quot = quot * 65536 + q;
    cur = rem * 65536 + (low >>> 16);
    q = Math.floor(cur / units);
    rem = cur - q * units;
    quot = quot * 65536 + q;
    cur = rem * 65536 + (low & 0xffff);
    q = Math.floor(cur / units);
    rem = cur - q * units;
    quot = quot * 65536 + q;
    this.sec = quot;
    if (this.kind === 0) {
      this.nsec = rem * this.scale;
    } else if (this.pow2 >= 9) {
      // 10⁹ = 2⁹ · 1953125: rem · 1953125 < 2⁵³ for units ≤ 2³², and dividing by 2^(k−9) is exact.
      this.nsec = Math.floor((rem * 1953125) / 2 ** (this.pow2 - 9));
    } else {
      this.nsec = Math.floor((rem * 1e9) / units);
    }
  }

  private convertBig(high: number, low: number): void {
    const v = (BigInt(high >>> 0) * BigInt(TWO32)) + BigInt(low >>> 0);
    const u = this.units;
    this.sec = Number(v / u);
    this.nsec = Number((((v % u) * 1_000_000_000n) & MASK64) / u);
  }
}

/** One-shot conversion (tests and tools; the reader keeps a converter per interface). */
export function ticksToTime(high: number, low: number, unitsPerSecond: bigint | number): { sec: number; nsec: number } {
  const c = new TickConverter(unitsPerSecond);
  c.convert(high, low);
  return { sec: c.sec, nsec: c.nsec };
}
