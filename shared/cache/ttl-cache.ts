/**
 * A per-instance cache whose entries live for a lifetime read at each lookup (a
 * `settings()` lifetime, so tests shorten it instead of waiting it out). Entries may hold
 * `undefined` (a read that found nothing is remembered too). Past `maxEntries` it starts
 * afresh rather than grow without end: a few more reads, never a wrong answer.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; at: number }>();
  private readonly lifetimeMs: () => number;
  private readonly options: { maxEntries?: number; now?: () => number };

  /** `lifetimeMs` is asked at every lookup; `now` is the clock (tests pass their own). */
  constructor(lifetimeMs: () => number, options: { maxEntries?: number; now?: () => number } = {}) {
    this.lifetimeMs = lifetimeMs;
    this.options = options;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** The entry for `key` while it is alive. */
  get(key: K): { value: V } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() - entry.at < this.lifetimeMs()) return { value: entry.value };
    this.entries.delete(key);
    return undefined;
  }

  /** Keeps `value` for `key` from now on. */
  set(key: K, value: V): void {
    if (!this.entries.has(key) && this.entries.size >= (this.options.maxEntries ?? 10_000))
      this.entries.clear();
    this.entries.set(key, { value, at: this.now() });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  /**
   * The live value for `key`, or `load()`'s, kept from now (`fresh` reads anew whatever
   * is kept). A value that is a promise is shared by concurrent callers, and forgotten
   * if it rejects, so a failed read is tried again by the next caller.
   */
  remember(key: K, load: () => V, options: { fresh?: boolean } = {}): V {
    const kept = options.fresh ? undefined : this.get(key);
    if (kept) return kept.value;
    const value = load();
    this.set(key, value);
    if (value instanceof Promise)
      value.catch(() => {
        if (this.entries.get(key)?.value === value) this.entries.delete(key);
      });
    return value;
  }

  /**
   * True at most once per lifetime for `key` (and marks it): for work done at most that
   * often, such as writing a key's last use.
   */
  firstInLifetime(key: K, value: V): boolean {
    if (this.get(key)) return false;
    this.set(key, value);
    return true;
  }
}
