import { describe, expect, it } from 'vitest';
import { globMatch } from '../reference.js';
import { compileGlob } from './glob.js';

describe('compileGlob', () => {
  const cases: Array<[string, string, boolean]> = [
    ['C:\\A\\*', 'C:\\A\\B\\C.EXE', true], ['C:\\A\\*', 'C:\\AB\\C.EXE', false], ['*', 'X', true],
    ['*.*', 'C:\\X', false], ['*.*', 'C:\\X.Y', true], ['C:\\A?.EXE', 'C:\\AB.EXE', false], ['C:\\A?.EXE', 'C:\\A?.EXE', true],
    ['*\\TEMP\\*', 'D:\\TEMP\\X', true], ['A*B*C*D*E*F', 'AxBxCxDxExF', true], ['A*B*C*D*E*F', 'AxBxCxDxEx', false],
    ['A*A', 'A', false], ['A*A*A*A*A*A', 'AAAAAA', true], ['A*A*A*A*A*A', 'AAAAA', false], ['C:\\X', 'C:\\X', true],
  ];
  it.each(cases)('%s against %s is %s, and agrees with the reference glob', (p, s, want) => {
    expect(compileGlob(p)(s)).toBe(want);
    expect(globMatch(p, s)).toBe(want);
  });
  it('stays fast on a hostile many-star pattern', () => {
    const p = 'A*'.repeat(40) + 'B';
    const s = 'A'.repeat(5000);
    const t0 = performance.now();
    expect(compileGlob(p)(s)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(200);
  });
});

describe('compileGlob on hostile paths', () => {
  it('stays linear on a 32,767-character path with a few stars', () => {
    const s = 'A'.repeat(32_767);
    const t0 = performance.now();
    for (const p of ['A*B*C', '*A*A*B', 'A*A*A*A*C', '*\\X\\*']) expect(compileGlob(p)(s)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
