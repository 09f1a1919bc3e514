/**
 * DiagnosticBag: collects every problem in an input up to a limit (OPA's SetErrorLimit), then sorts them
 * by location so a file's problems are reported in reading order.
 */
import type { Diagnostic, Location } from './diagnostic.js';

export const DEFAULT_DIAGNOSTIC_LIMIT = 1000;

export class DiagnosticBag {
  private readonly items: Diagnostic[] = [];
  private dropped = 0;

  constructor(readonly limit: number = DEFAULT_DIAGNOSTIC_LIMIT) {}

  add(d: Diagnostic): void {
    if (this.items.length < this.limit) this.items.push(d);
    else this.dropped++;
  }

  addAll(ds: readonly Diagnostic[]): void {
    for (const d of ds) this.add(d);
  }

  get errorCount(): number {
    return this.items.filter((d) => d.severity === 'error').length;
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }

  get size(): number {
    return this.items.length;
  }

  /** The diagnostics in location order; a final note says how many were dropped over the limit. */
  sorted(): Diagnostic[] {
    const out = [...this.items].sort(compareDiagnostics);
    if (this.dropped > 0) {
      out.push({
        code: 'diag.limit-reached',
        severity: 'warning',
        message: `${this.dropped} more diagnostics were not recorded (limit ${this.limit})`,
      });
    }
    return out;
  }
}

function locKey(l: Location | undefined): [number, number] {
  if (!l) return [Number.MAX_SAFE_INTEGER, 0];
  return l.kind === 'text' ? [l.line, l.column] : [l.offset, 0];
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  const [al, ac] = locKey(a.location);
  const [bl, bc] = locKey(b.location);
  return al - bl || ac - bc;
}
