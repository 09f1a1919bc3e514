import { describe, expect, it } from 'vitest';
import { pathKeys, stringKey } from './path-key.js';
import { interiorSegments } from './prepared-file.js';

describe('path keys', () => {
  it('are the string keys of every directory prefix, every interior segment and the whole path', () => {
    const p = 'C:\\USERS\\U\\\\APPDATA\\X.EXE';
    const k = pathKeys(p);
    const dirs = ['C:\\', 'C:\\USERS\\', 'C:\\USERS\\U\\', 'C:\\USERS\\U\\\\', 'C:\\USERS\\U\\\\APPDATA\\'];
    expect([...k.dirKeys]).toEqual(dirs.map(stringKey));
    expect([...k.segmentKeys]).toEqual(interiorSegments(p).map(stringKey));
    expect(k.whole).toBe(stringKey(p));
  });
  it('are small non-negative integers', () => {
    for (const s of ['', 'A', '\\\\FS01\\APPS\\X', 'x'.repeat(1000)]) {
      const k = stringKey(s);
      expect(Number.isInteger(k) && k >= 0 && k <= 0x3fffffff).toBe(true);
    }
  });
});
