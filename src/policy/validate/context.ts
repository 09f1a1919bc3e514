/**
 * What a validation check gets: the locations of the model objects (when parsed from text) and a sink
 * for diagnostics that fills in file:line:column and the element path.
 */
import type { Diagnostic, Severity, TextLocation } from '../../diag/index.js';
import type { PolicyLocations } from '../xml/locations.js';
import type { PolicyValidateCode } from './codes.js';

export class ValidationContext {
  readonly diagnostics: Diagnostic[] = [];
  constructor(readonly locations: PolicyLocations | undefined, readonly file: string | undefined) {}

  where(node: object, attribute?: string): TextLocation | undefined {
    const l = attribute ? this.locations?.attribute(node, attribute) : this.locations?.get(node);
    if (!l) return undefined;
    return this.file !== undefined && l.file === undefined ? { ...l, file: this.file } : l;
  }

  report(code: PolicyValidateCode, severity: Severity, message: string, node: object, attribute?: string, help?: string,
    notes?: Diagnostic[]): void {
    const location = this.where(node, attribute);
    this.diagnostics.push({
      code, severity, message,
      ...(location ? { location } : {}),
      ...(help ? { help } : {}),
      ...(notes && notes.length ? { notes } : {}),
    });
  }
}

/** A family of checks over the whole policy (one file each, listed in registry.ts). */
export interface PolicyCheck {
  readonly name: string;
  /** The codes this check may report. */
  readonly codes: readonly PolicyValidateCode[];
  check(policy: import('../model.js').AppLockerPolicy, ctx: ValidationContext): void;
}

/** Shortens user input for a message. */
export function clip(s: string, max = 60): string {
  return s.length > max ? s.slice(0, max) + '…' : s;
}
