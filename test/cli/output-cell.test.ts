// Output.cell writes a padded table cell straight into the output buffer: the bytes must be those of
// padStart / padEnd plus the gap, also where a cell does not fit the room left (a flush first) or the
// whole buffer (written at once).
import { describe, expect, it } from 'vitest';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Output } from '../../main/cli/output';

describe('Output.cell', () => {
  it('writes padStart / padEnd and the gap, across flushes of a small buffer and for a cell larger than it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-output-'));
    try {
      const file = join(dir, 'out.txt');
      const fd = openSync(file, 'w');
      const out = new Output(fd, 16);
      const cells: [string, number, boolean, number][] = [
        ['a', 5, false, 2], ['12', 6, true, 2], ['', 3, false, 0], ['wider-than-width', 4, true, 1],
        ['x'.repeat(40), 50, true, 2], ['y'.repeat(20), 3, false, 0], ['z', 1, true, 0], ['end', 9, false, 0],
      ];
      let want = '';
      for (const [s, width, right, gap] of cells) {
        out.cell(s, width, right, gap);
        want += (right ? s.padStart(width) : s.padEnd(width)) + ' '.repeat(gap);
      }
      out.write('\n', true);
      out.flush();
      closeSync(fd);
      expect(readFileSync(file, 'latin1')).toBe(want + '\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
