// The icon containers electron-builder takes (Windows .ico, macOS .icns), built from PNGs and read back,
// and the size of a PNG from its header. Used by make-icons.js (to write them) and package-check.js.

/** Sizes of the Linux icons (build/icons/NxN.png, installed into the hicolor theme). */
export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];
/** Sizes inside icon.ico: Windows picks 16–48 for lists and the taskbar, 256 for large views. */
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** icon.icns entries (PNG payloads): type and pixel size; ic10–ic14 are the @2x variants. */
export const ICNS_TYPES = [
  ['icp4', 16], ['icp5', 32], ['icp6', 64], ['ic07', 128], ['ic08', 256], ['ic09', 512], ['ic10', 1024],
  ['ic11', 32], ['ic12', 64], ['ic13', 256], ['ic14', 512],
];

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height of a PNG (from its IHDR chunk), or null when `buf` is not a PNG. */
export function pngSize(buf) {
  if (buf.length < 24 || !buf.subarray(0, 8).equals(PNG_SIGNATURE) || buf.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

/** An .ico holding each [size, png] as a PNG-compressed entry (Vista and later). */
export function ico(entries) {
  const head = Buffer.alloc(6 + 16 * entries.length);
  head.writeUInt16LE(0, 0);
  head.writeUInt16LE(1, 2); // 1 = icon
  head.writeUInt16LE(entries.length, 4);
  let offset = head.length;
  entries.forEach(([size, png], i) => {
    const e = 6 + 16 * i;
    head.writeUInt8(size >= 256 ? 0 : size, e); // 0 means 256
    head.writeUInt8(size >= 256 ? 0 : size, e + 1);
    head.writeUInt16LE(1, e + 4); // colour planes
    head.writeUInt16LE(32, e + 6); // bits per pixel
    head.writeUInt32LE(png.length, e + 8);
    head.writeUInt32LE(offset, e + 12);
    offset += png.length;
  });
  return Buffer.concat([head, ...entries.map(([, png]) => png)]);
}

/** The entries of an .ico: declared size and the PNG inside (null when an entry is not PNG-compressed). */
export function readIco(buf) {
  if (buf.length < 6 || buf.readUInt16LE(0) !== 0 || buf.readUInt16LE(2) !== 1) throw new Error('not an .ico file');
  const out = [];
  for (let i = 0; i < buf.readUInt16LE(4); i++) {
    const e = 6 + 16 * i;
    const size = buf.readUInt8(e) || 256;
    const data = buf.subarray(buf.readUInt32LE(e + 12), buf.readUInt32LE(e + 12) + buf.readUInt32LE(e + 8));
    out.push({ size, png: pngSize(data) ? data : null });
  }
  return out;
}

/** An .icns holding each [type, png]. */
export function icns(entries) {
  const parts = entries.map(([type, png]) => {
    const h = Buffer.alloc(8);
    h.write(type, 0, 'latin1');
    h.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([h, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

/** The entries of an .icns: type and payload. */
export function readIcns(buf) {
  if (buf.toString('latin1', 0, 4) !== 'icns' || buf.readUInt32BE(4) !== buf.length) throw new Error('not an .icns file (bad header or length)');
  const out = [];
  for (let off = 8; off < buf.length;) {
    const len = buf.readUInt32BE(off + 4);
    if (len < 8 || off + len > buf.length) throw new Error(`.icns entry at ${off} overruns the file`);
    out.push({ type: buf.toString('latin1', off, off + 4), data: buf.subarray(off + 8, off + len) });
    off += len;
  }
  return out;
}
