// Number formats for the UI's own columns (Wireshark's own strings are shown as the back end sends them).
export function seconds(t: number, digits = 6): string {
  return t.toFixed(digits);
}

export function bytes(n: number, locale?: string): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n / 1024, u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${v.toLocaleString(locale, { maximumFractionDigits: 1 })} ${units[u]}`;
}

export function count(n: number, locale?: string): string {
  return n.toLocaleString(locale);
}

export function hex2(b: number): string {
  return b.toString(16).padStart(2, '0');
}

export function printable(b: number): string {
  return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
}
