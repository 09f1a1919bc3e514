/**
 * Hostile and broken inputs made here: DTD attacks refused unexpanded, caps on size/depth/token length,
 * truncation at every byte, bad encodings, NUL bytes, random bytes. Each yields a typed diagnostic in
 * bounded time and never throws (issue 2 item 3; design README convention 5).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AppLockerPolicy } from '../model.js';
import { encodeText } from './encoding.js';
import { parsePolicy } from './parse.js';
import { encodePolicy, serializePolicy } from './serialize.js';

function codes(input: Uint8Array | string, opts: Parameters<typeof parsePolicy>[1] = {}): string[] {
  return [...new Set(parsePolicy(input, opts).diagnostics.map((d) => d.code))];
}

function timed<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const v = f();
  return [v, performance.now() - t0];
}

const sample: AppLockerPolicy = {
  version: '1',
  ruleCollections: [{
    type: 'Exe', enforcementMode: 'AuditOnly',
    rules: [
      { kind: 'FilePathRule', id: '921cc481-6e17-4653-8f75-050b80acca20', name: 'Program Files', description: 'd', userOrGroupSid: 'S-1-1-0', action: 'Allow',
        condition: { kind: 'FilePathCondition', path: '%PROGRAMFILES%\\*' }, exceptions: [{ kind: 'FilePathCondition', path: '%PROGRAMFILES%\\Temp\\*' }] },
      { kind: 'FileHashRule', id: 'c9880870-3972-4f3e-85cb-8b005a63bb5d', name: 'h', description: '', userOrGroupSid: 'S-1-1-0', action: 'Deny',
        condition: { kind: 'FileHashCondition', fileHashes: [{ type: 'SHA1', data: '0x0000000000000000000000000000000000000002' }] } },
    ],
  }],
};

describe('DTDs and entities are refused, never expanded', () => {
  it('XXE with a SYSTEM entity', () => {
    const xml = '<?xml version="1.0"?>\n<!DOCTYPE AppLockerPolicy [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<AppLockerPolicy Version="1"><RuleCollection Type="&xxe;"/></AppLockerPolicy>';
    const r = parsePolicy(xml, { file: 'xxe.xml' });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['policy.xml.dtd-forbidden']);
    expect(r.diagnostics[0]!.location).toMatchObject({ line: 2, column: 1 });
    expect(JSON.stringify(r.diagnostics)).not.toMatch(/root:/);
  });

  it('billion laughs, fast', () => {
    const ents = ['<!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++) ents.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
    const xml = `<?xml version="1.0"?><!DOCTYPE lolz [${ents.join('')}]><AppLockerPolicy Version="&lol9;"/>`;
    const [c, ms] = timed(() => codes(xml));
    expect(c).toEqual(['policy.xml.dtd-forbidden']);
    expect(ms).toBeLessThan(1000);
  });

  it('an internal entity, and an entity reference without any DTD', () => {
    expect(codes('<!DOCTYPE x [<!ENTITY a "Allow">]><AppLockerPolicy Version="1"/>')).toEqual(['policy.xml.dtd-forbidden']);
    const r = parsePolicy('<AppLockerPolicy Version="&a;"/>');
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toContain('policy.xml.malformed');
    expect(r.diagnostics.some((d) => /undefined entity/.test(d.message))).toBe(true);
  });
});

describe('caps', () => {
  it('10,000-deep nesting stops at the depth cap, fast', () => {
    const xml = '<AppLockerPolicy Version="1">' + '<a>'.repeat(10_000) + '</a>'.repeat(10_000) + '</AppLockerPolicy>';
    const [c, ms] = timed(() => codes(xml));
    expect(c).toEqual(['policy.xml.too-deep']);
    expect(ms).toBeLessThan(1000);
  });

  it('a 50 MB attribute is refused before parsing, fast', () => {
    const head = '<AppLockerPolicy Version="1"><RuleCollection Type="Exe" EnforcementMode="';
    const bytes = new Uint8Array(head.length + 50_000_000 + 4);
    bytes.set(new TextEncoder().encode(head));
    bytes.fill(0x41, head.length, head.length + 50_000_000);
    bytes.set(new TextEncoder().encode('"/>'), head.length + 50_000_000);
    const [r, ms] = timed(() => parsePolicy(bytes, { file: 'big.xml' }));
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['policy.xml.token-too-large']);
    expect(r.diagnostics[0]!.location).toMatchObject({ file: 'big.xml', line: 1, column: 30 });
    expect(ms).toBeLessThan(3000);
  });

  it('input over the size cap, and too many elements', () => {
    expect(codes(serializePolicy(sample), { maxBytes: 100 })).toEqual(['policy.xml.too-large']);
    expect(codes(serializePolicy(sample), { limits: { maxElements: 5 } })).toEqual(['policy.xml.too-many-elements']);
  });
});

describe('floods', () => {
  it('a 200,000-character element name is clipped in the message and the path', () => {
    const name = 'X'.repeat(200_000);
    const r = parsePolicy(`<AppLockerPolicy Version="1"><${name}/></AppLockerPolicy>`);
    expect(r.ok).toBe(true);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.code).toBe('policy.xml.unknown-element');
    expect(JSON.stringify(r.diagnostics[0]).length).toBeLessThan(1000);
  });

  it('20,000 unknown elements: diagnostics stop at the bag limit with a final note, fast', () => {
    const [r, ms] = timed(() => parsePolicy(`<AppLockerPolicy Version="1">${'<Bogus/>'.repeat(20_000)}</AppLockerPolicy>`));
    expect(r.diagnostics).toHaveLength(1001);
    expect(r.diagnostics[1000]!.code).toBe('diag.limit-reached');
    expect(ms).toBeLessThan(5000);
  });
});

describe('broken files', () => {
  const full = encodePolicy(sample, { encoding: 'utf-16le', newline: 'crlf' });

  it('truncated at every byte: a coded error, never a throw', () => {
    for (let n = 0; n < full.length; n++) {
      const r = parsePolicy(full.subarray(0, n));
      expect(r.ok, `cut at ${n}`).toBe(false);
      expect(r.diagnostics.length, `cut at ${n}`).toBeGreaterThan(0);
      for (const d of r.diagnostics) expect(d.code).toMatch(/^policy\.xml\.(malformed|empty|invalid-encoding)$/);
    }
    expect(parsePolicy(full).ok).toBe(true);
  });

  it('invalid UTF-16: odd length and an unpaired surrogate, with the byte offset', () => {
    const odd = parsePolicy(full.subarray(0, 41));
    expect(odd.diagnostics[0]).toMatchObject({ code: 'policy.xml.invalid-encoding', location: { kind: 'bytes', offset: 40 } });
    const lone = encodeText('<AppLockerPolicy Version="\uD800"/>', 'utf-16le', true);
    expect(parsePolicy(lone).diagnostics[0]).toMatchObject({ code: 'policy.xml.invalid-encoding', location: { offset: 2 + 2 * 26 } });
  });

  it('invalid UTF-8 (stray continuation, overlong, truncated sequence) with the byte offset', () => {
    for (const [bad, at] of [[[0x80], 26], [[0xc0, 0xaf], 26], [[0xe2, 0x82], 26]] as const) {
      const head = new TextEncoder().encode('<AppLockerPolicy Version="');
      const bytes = new Uint8Array([...head, ...bad]);
      expect(parsePolicy(bytes).diagnostics[0]).toMatchObject({ code: 'policy.xml.invalid-encoding', location: { offset: at } });
    }
  });

  it('NUL bytes', () => {
    const r = parsePolicy('<AppLockerPolicy Version="1">\n\0</AppLockerPolicy>');
    expect(r.diagnostics).toMatchObject([{ code: 'policy.xml.nul-byte', location: { line: 2, column: 1 } }]);
    expect(codes(new Uint8Array([0x3c, 0x41, 0x00, 0x00, 0x3e]))).toEqual(['policy.xml.nul-byte']);
  });

  it('random bytes and random text never throw', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => { parsePolicy(b); }), { numRuns: 300 });
    const xmlish = fc.array(fc.constantFrom('<', '>', '/', '"', '=', ' ', 'AppLockerPolicy', 'RuleCollection', 'Type', '&', ';', '<!--', '-->', '<![CDATA[', ']]>', '<?xml', '?>', 'PLACEHOLDER_X', '\n'), { maxLength: 60 })
      .map((a) => a.join(''));
    fc.assert(fc.property(xmlish, (s) => { parsePolicy(s); }), { numRuns: 500 });
    // Any UTF-16 code units, lone surrogates included, inside an otherwise valid attribute.
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 50 }), (v) => {
      const r = parsePolicy(`<AppLockerPolicy Version="${v.replace(/["&<]/g, '')}"/>`);
      expect(r.diagnostics.every((d) => /^policy\.(xml|validate)\./.test(d.code))).toBe(true);
    }), { numRuns: 300 });
  });
});
