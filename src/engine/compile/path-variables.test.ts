import { describe, expect, it } from 'vitest';
import { DEFAULT_ENVIRONMENT, environment } from '../environment.js';
import { expandPathPattern, pathPatternDiagnostics } from './path-variables.js';

describe('stage path-variables', () => {
  it('expands %PROGRAMFILES% to both Program Files folders (§4.1)', () => {
    expect(expandPathPattern('%ProgramFiles%\\App\\*', DEFAULT_ENVIRONMENT)).toEqual([
      { kind: 'concrete', pattern: 'C:\\PROGRAM FILES\\APP\\*', alsoUnc: false },
      { kind: 'concrete', pattern: 'C:\\PROGRAM FILES (X86)\\APP\\*', alsoUnc: false },
    ]);
  });
  it('guards a remainder that does not start with a backslash', () => {
    expect(expandPathPattern('%WINDIR%*', DEFAULT_ENVIRONMENT)).toEqual([
      { kind: 'concrete', pattern: 'C:\\WINDOWS*', guard: 'C:\\WINDOWS\\', alsoUnc: false },
    ]);
  });
  it('expands %REMOVABLE% and %HOT% to the configured roots, and to nothing when none', () => {
    expect(expandPathPattern('%HOT%\\*', environment({ hotRoots: ['E:', 'F:\\'] })).map((x) => x.pattern)).toEqual(['E:\\*', 'F:\\*']);
    expect(expandPathPattern('%REMOVABLE%\\*', DEFAULT_ENVIRONMENT)).toEqual([]);
  });
  it('keeps literal patterns for the Win32 and UNC forms and leading stars or unknown variables generic', () => {
    expect(expandPathPattern('\\\\fs\\share\\*', DEFAULT_ENVIRONMENT)).toEqual([{ kind: 'concrete', pattern: '\\\\FS\\SHARE\\*', alsoUnc: true }]);
    expect(expandPathPattern('*\\temp\\*', DEFAULT_ENVIRONMENT)).toEqual([{ kind: 'generic', pattern: '*\\TEMP\\*' }]);
    expect(expandPathPattern('%APPDATA%\\*', DEFAULT_ENVIRONMENT)).toEqual([{ kind: 'generic', pattern: '%APPDATA%\\*' }]);
  });
  it('warns about variables AppLocker never expands and 8.3 short names', () => {
    const d = pathPatternDiagnostics('%SystemRoot%\\x\\*', 'Exe rule `r`');
    expect(d.map((x) => [x.code, x.help])).toEqual([['engine.compile.unknown-path-variable', 'did you mean `%WINDIR%`?']]);
    expect(pathPatternDiagnostics('C:\\PROGRA~1\\*', 'r')[0]?.code).toBe('engine.compile.short-name');
    expect(pathPatternDiagnostics('%OSDRIVE%\\x\\*', 'r')).toEqual([]);
  });
});
