// File → Open Recent: the last capture files opened, newest first, kept in a JSON file in userData.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export class RecentFiles {
  constructor(private readonly file: string, private readonly max = 10) {}

  /** Recent files that still exist, newest first. */
  list(): string[] {
    return this.read().filter((p) => existsSync(p));
  }

  /** Puts `path` first (once); returns the new list. */
  add(path: string): string[] {
    const full = resolve(path);
    const next = [full, ...this.read().filter((p) => p !== full)].slice(0, this.max);
    this.write(next);
    return next.filter((p) => existsSync(p));
  }

  clear(): void {
    this.write([]);
  }

  private read(): string[] {
    try {
      const v: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
      return Array.isArray(v) ? v.filter((p): p is string => typeof p === 'string' && p.length > 0 && p.length < 4096).slice(0, this.max) : [];
    } catch {
      return [];
    }
  }

  private write(list: string[]): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(list, null, 1) + '\n');
    renameSync(tmp, this.file);
  }
}
