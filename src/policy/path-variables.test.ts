import { describe, expect, it } from 'vitest';
import { PATH_VARIABLES, isPathVariable, splitPathVariable, suggestPathVariable } from './path-variables.js';

describe('path variables (applocker.md §4.1)', () => {
  it('lists the six AppLocker variables', () => {
    expect(PATH_VARIABLES).toEqual(['%WINDIR%', '%SYSTEM32%', '%OSDRIVE%', '%PROGRAMFILES%', '%REMOVABLE%', '%HOT%']);
  });

  it('recognises them case-insensitively, with or without percent signs', () => {
    expect(isPathVariable('%windir%')).toBe(true);
    expect(isPathVariable('ProgramFiles')).toBe(true);
    expect(isPathVariable('%APPDATA%')).toBe(false);
  });

  it('suggests the nearest variable for a typo and the equivalent for an environment variable', () => {
    expect(suggestPathVariable('%PROGRAMFILE%')).toBe('%PROGRAMFILES%');
    expect(suggestPathVariable('%SYSTM32%')).toBe('%SYSTEM32%');
    expect(suggestPathVariable('%WINDR%')).toBe('%WINDIR%');
    expect(suggestPathVariable('%SystemRoot%')).toBe('%WINDIR%');
    expect(suggestPathVariable('%SystemDrive%')).toBe('%OSDRIVE%');
    expect(suggestPathVariable('%ProgramFiles(x86)%')).toBe('%PROGRAMFILES%');
    expect(suggestPathVariable('%hot%')).toBe('%HOT%');
    expect(suggestPathVariable('%APPDATA%')).toBeUndefined();
    expect(suggestPathVariable('%USERPROFILE%')).toBeUndefined();
  });

  it('splits a leading variable off a path, only at the start', () => {
    expect(splitPathVariable('%windir%\\Temp\\*')).toEqual({ variable: '%WINDIR%', rest: '\\Temp\\*' });
    expect(splitPathVariable('%OSDRIVE%\\ThisWillBeBlocked.exe')).toEqual({ variable: '%OSDRIVE%', rest: '\\ThisWillBeBlocked.exe' });
    expect(splitPathVariable('C:\\%WINDIR%\\x')).toEqual({ rest: 'C:\\%WINDIR%\\x' });
    expect(splitPathVariable('%APPDATA%\\x')).toEqual({ rest: '%APPDATA%\\x' });
    expect(splitPathVariable('*')).toEqual({ rest: '*' });
  });
});
