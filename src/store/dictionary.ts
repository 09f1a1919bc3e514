/**
 * An id cache for a dictionary table (computers, users, channels, rule_keys, file_keys) that survives
 * rollbacks: ids learned inside a transaction stay `pending` until it commits, because a rolled-back
 * INSERT's id may be handed to a different key later. Used by both stores.
 */
export class IdCache {
  private readonly committed = new Map<string, number>();
  private readonly pending = new Map<string, number>();

  get(key: string): number | undefined {
    return this.committed.get(key) ?? this.pending.get(key);
  }

  add(key: string, id: number): void {
    this.pending.set(key, id);
  }

  commit(): void {
    for (const [k, v] of this.pending) this.committed.set(k, v);
    this.pending.clear();
  }

  rollback(): void {
    this.pending.clear();
  }
}

/** The five dictionaries every batch resolves against. */
export class Dictionaries {
  readonly computers = new IdCache();
  readonly users = new IdCache();
  readonly channels = new IdCache();
  readonly rules = new IdCache();
  readonly files = new IdCache();

  private all(): IdCache[] {
    return [this.computers, this.users, this.channels, this.rules, this.files];
  }

  commit(): void {
    for (const c of this.all()) c.commit();
  }

  rollback(): void {
    for (const c of this.all()) c.rollback();
  }
}
