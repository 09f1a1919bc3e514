import { describe, expect, it } from 'vitest';
import { DiagnosticBag, renderDiagnostic } from './index.js';

describe('diagnostics', () => {
  it('renders file:line:col, code, path and help', () => {
    const text = renderDiagnostic({
      code: 'policy.validate.unknown-path-variable',
      severity: 'error',
      message: 'unknown path variable `%PROGRAMFILE%`',
      location: { kind: 'text', file: 'p.xml', line: 3, column: 7, path: '/AppLockerPolicy/RuleCollection[1]' },
      help: 'did you mean `%PROGRAMFILES%`?',
    });
    expect(text).toBe(
      'p.xml:3:7: error[policy.validate.unknown-path-variable]: unknown path variable `%PROGRAMFILE%`\n' +
        '  at /AppLockerPolicy/RuleCollection[1]\n  help: did you mean `%PROGRAMFILES%`?',
    );
  });

  it('sorts by location and counts what went over the limit', () => {
    const bag = new DiagnosticBag(2);
    bag.add({ code: 'a', severity: 'error', message: 'b', location: { kind: 'text', line: 9, column: 1 } });
    bag.add({ code: 'a', severity: 'warning', message: 'a', location: { kind: 'text', line: 2, column: 1 } });
    bag.add({ code: 'a', severity: 'error', message: 'c' });
    const s = bag.sorted();
    expect(s.map((d) => d.message)).toEqual(['a', 'b', '1 more diagnostics were not recorded (limit 2)']);
    expect(bag.errorCount).toBe(1);
  });
});
