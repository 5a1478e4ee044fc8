// A bounded cache of pages of rows pulled from the back end. The renderer never holds a whole capture:
// only the pages around what is on screen (least recently used pages are dropped).
export class PageCache<T> {
  private pages = new Map<number, T[]>();
  constructor(readonly pageSize: number, readonly maxPages: number) {}

  get(index: number): T | undefined {
    const page = this.pages.get(Math.floor(index / this.pageSize));
    return page?.[index % this.pageSize];
  }

  /** The rows of a page, without marking it used (for appending pushed rows). */
  peek(page: number): T[] | undefined {
    return this.pages.get(page);
  }

  has(page: number): boolean {
    return this.pages.has(page);
  }

  /** A page is complete when it holds pageSize rows; the last page of a growing capture may not. */
  size(page: number): number {
    return this.pages.get(page)?.length ?? 0;
  }

  set(page: number, rows: T[]): void {
    this.pages.delete(page);
    this.pages.set(page, rows);
    while (this.pages.size > this.maxPages) {
      const oldest = this.pages.keys().next().value as number;
      this.pages.delete(oldest);
    }
  }

  /**
   * Appends rows from index `at` on, which must be where the held rows end (the page holding `at - 1` is
   * there and ends there, or `at` starts a page after a full or dropped one): the pages they fill are
   * completed and new ones started.
   * Returns false (nothing changed) when `at` is not where the held rows end.
   */
  append(at: number, rows: readonly T[]): boolean {
    const first = Math.floor(at / this.pageSize);
    const offset = at - first * this.pageSize;
    const held = this.pages.get(first);
    const before = first > 0 ? this.pages.get(first - 1) : undefined;
    if (offset > 0 ? held?.length !== offset : (held?.length ?? 0) > 0 || (before !== undefined && before.length < this.pageSize)) return false;
    let page = first, i = 0;
    let current = offset > 0 ? held!.slice() : [];
    while (i < rows.length) {
      const room = this.pageSize - current.length;
      current.push(...rows.slice(i, i + room));
      i += room;
      this.set(page, current);
      page++;
      current = [];
    }
    return true;
  }

  /** The number of the highest page held (null: none). */
  highest(): number | null {
    let top: number | null = null;
    for (const k of this.pages.keys()) if (top === null || k > top) top = k;
    return top;
  }

  /** Marks a page as recently used. */
  touch(page: number): void {
    const rows = this.pages.get(page);
    if (rows) { this.pages.delete(page); this.pages.set(page, rows); }
  }

  /** Drops pages that may have changed when the total grew (the partial last page). */
  dropIncomplete(): void {
    for (const [k, v] of this.pages) if (v.length < this.pageSize) this.pages.delete(k);
  }

  /**
   * Per page holding a row that matches: from its first such row to the page's end (rows to pull again,
   * e.g. rows whose states were corrected), pages in no particular order.
   */
  heldFrom(matches: (row: T) => boolean): { page: number; from: number; count: number }[] {
    const out: { page: number; from: number; count: number }[] = [];
    for (const [k, v] of this.pages) {
      const from = v.findIndex(matches);
      if (from >= 0) out.push({ page: k, from, count: v.length - from });
    }
    return out;
  }

  /** Replaces held rows from index `at` on with `rows` (all within one held page); false when they are not held. */
  replace(at: number, rows: readonly T[]): boolean {
    const page = Math.floor(at / this.pageSize);
    const offset = at - page * this.pageSize;
    const held = this.pages.get(page);
    if (!held || offset + rows.length > held.length) return false;
    const next = held.slice();
    for (let i = 0; i < rows.length; i++) next[offset + i] = rows[i];
    this.pages.set(page, next);
    return true;
  }

  drop(page: number): void {
    this.pages.delete(page);
  }

  /** Drops the pages holding a row that matches (e.g. rows whose states were corrected); returns their numbers. */
  dropWhere(matches: (row: T) => boolean): number[] {
    const dropped: number[] = [];
    for (const [k, v] of this.pages) if (v.some(matches)) dropped.push(k);
    for (const k of dropped) this.pages.delete(k);
    return dropped;
  }

  clear(): void {
    this.pages.clear();
  }

  get pageCount(): number {
    return this.pages.size;
  }
}

/** Pages covering rows first..last (inclusive), nearest to `first` first. */
export function pagesFor(first: number, last: number, pageSize: number, total: number): number[] {
  if (total <= 0 || last < first) return [];
  const lo = Math.max(0, Math.floor(first / pageSize));
  const hi = Math.floor(Math.min(last, total - 1) / pageSize);
  const out: number[] = [];
  for (let p = lo; p <= hi; p++) out.push(p);
  return out;
}
