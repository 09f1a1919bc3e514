/**
 * Structure-aware mutations for the fuzz harness (issue 12 item 5). Binary inputs get the classic
 * byte-level moves plus the ones that reach deep into length-prefixed formats (PE, EVTX, CFB, DER): a u16/u32
 * replaced by a boundary value (0, 1, 0x7FFF…, 0xFFFF…), a block duplicated or moved, a splice with another
 * seed, a truncation. Text inputs get token-level moves on the format's own structure: lines duplicated or
 * dropped, tags/brackets nested deep, values swapped for huge or hostile strings (formula prefixes, control
 * characters, `..` paths, entities), numbers for boundary numbers. Seeded: a run is reproducible.
 */

/** A small, fast, seedable generator (xorshift32). */
export function rng(seed: number): () => number {
  let s = (seed >>> 0) || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

export type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, n: number): number => Math.floor(r() * n);

const BOUNDARY_U32 = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

/** At most this many bytes out of any mutation: a mutated input never grows without bound. */
export const MAX_INPUT_BYTES = 4 * 1024 * 1024;

function clamp(b: Uint8Array): Uint8Array {
  return b.length > MAX_INPUT_BYTES ? b.subarray(0, MAX_INPUT_BYTES) : b;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** One byte-level, length-field-aware mutation of a binary input. */
export function mutateBinary(input: Uint8Array, r: Rand, other: Uint8Array): Uint8Array {
  if (input.length === 0) return new Uint8Array([int(r, 256)]);
  const b = input.slice();
  const at = int(r, b.length);
  switch (int(r, 10)) {
    case 0: // bit flips
      for (let k = 1 + int(r, 4); k > 0; k--) {
        const i = int(r, b.length);
        b[i] = b[i]! ^ (1 << int(r, 8));
      }
      return b;
    case 1: // random bytes
      for (let k = 1 + int(r, 8); k > 0; k--) b[int(r, b.length)] = int(r, 256);
      return b;
    case 2: { // a u32 length/offset/count field set to a boundary value (aligned, where headers keep them)
      const i = at & ~3;
      if (i + 4 <= b.length) new DataView(b.buffer, b.byteOffset).setUint32(i, pick(r, BOUNDARY_U32), true);
      return b;
    }
    case 3: { // a u16 field set to a boundary value
      const i = at & ~1;
      if (i + 2 <= b.length) new DataView(b.buffer, b.byteOffset).setUint16(i, pick(r, BOUNDARY_U32) & 0xffff, true);
      return b;
    }
    case 4: // truncation
      return b.subarray(0, at);
    case 5: { // a block duplicated in place (repeated records, overlapping structures)
      const len = 1 + int(r, Math.min(4096, b.length - at));
      return clamp(concat(b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len)));
    }
    case 6: { // a block removed
      const len = 1 + int(r, Math.min(4096, b.length - at));
      return concat(b.subarray(0, at), b.subarray(at + len));
    }
    case 7: { // splice with another seed
      const j = int(r, other.length + 1);
      return clamp(concat(b.subarray(0, at), other.subarray(j)));
    }
    case 8: { // a block copied over another place (self-referencing offsets)
      const len = 1 + int(r, Math.min(256, b.length - at));
      const to = int(r, b.length);
      b.set(b.subarray(at, at + len).slice(0, b.length - to), to);
      return b;
    }
    default: // 0x00 / 0xFF runs
      b.fill(r() < 0.5 ? 0 : 0xff, at, Math.min(b.length, at + 1 + int(r, 64)));
      return b;
  }
}

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: false });

const HOSTILE_STRINGS = [
  '', ' ', '=cmd|\' /C calc\'!A0', '+1+1', '@SUM(1)', '-2', '\x1b]0;pwned\x07', '\u202eexe.txt', '\0', '\r', '\\\\?\\C:\\x',
  '../../../../etc/passwd', 'C:\\Windows\\..\\..\\x', '%OSDRIVE%\\*', '*', '**', '&amp;', '&lol;', '<!DOCTYPE x [<!ENTITY a "b">]>',
  '9'.repeat(40), '-9223372036854775809', '1e309', 'NaN', '0x', '{', '[', '"', '\\', '\ud800', 'S-1-5-21-' + '1-'.repeat(200),
];
const OPENERS = ['[', '{"a":', '<a>', '"', '<!--', '<![CDATA['];
const CLOSERS: Record<string, string> = { '[': ']', '{"a":': '}', '<a>': '</a>', '"': '"', '<!--': '-->', '<![CDATA[': ']]>' };

/** One token-level mutation of a text input (JSON, XML, CSV, YAML, scripts). */
export function mutateText(input: Uint8Array, r: Rand, other: Uint8Array): Uint8Array {
  const text = dec.decode(input);
  if (text.length === 0) return enc.encode(pick(r, HOSTILE_STRINGS));
  const at = int(r, text.length + 1);
  let out: string;
  switch (int(r, 10)) {
    case 0: { // a line duplicated or dropped
      const lines = text.split('\n');
      const i = int(r, lines.length);
      if (r() < 0.5) lines.splice(i, 0, lines[i]!);
      else lines.splice(i, 1);
      out = lines.join('\n');
      break;
    }
    case 1: { // deep nesting at a random place: brackets, tags, quotes (stack overflow and quadratic bombs)
      const o = pick(r, OPENERS);
      const n = pick(r, [10, 100, 1000, 10_000, 100_000]);
      const close = r() < 0.8;
      out = text.slice(0, at) + o.repeat(n) + (close ? CLOSERS[o]!.repeat(n) : '') + text.slice(at);
      break;
    }
    case 2: { // a value replaced by a hostile string
      const m = /"[^"\n]{0,200}"|>[^<\n]{0,200}<|,[^,\n]{0,200}|: [^\n]{0,200}/g;
      const found = [...text.matchAll(m)];
      if (found.length === 0) {
        out = text.slice(0, at) + pick(r, HOSTILE_STRINGS) + text.slice(at);
        break;
      }
      const f = pick(r, found);
      const s = pick(r, HOSTILE_STRINGS);
      const keep = f[0][0] === '"' ? `"${s.replace(/"/g, '\\"')}"` : f[0][0] === '>' ? `>${s}<` : f[0][0] === ',' ? `,${s}` : `: ${s}`;
      out = text.slice(0, f.index) + keep + text.slice(f.index! + f[0].length);
      break;
    }
    case 3: { // a number replaced by a boundary number
      out = text.replace(/\d+/, () => String(pick(r, [0, -1, 65535, 65536, 2 ** 31, 2 ** 32, 2 ** 53, Number.MAX_SAFE_INTEGER + 2])));
      break;
    }
    case 4: { // a long token (field caps)
      out = text.slice(0, at) + pick(r, ['A', ',', '"', ' ', '\n', '<', '&']).repeat(pick(r, [1000, 65_536, 1_000_000])) + text.slice(at);
      break;
    }
    case 5: { // many columns / attributes / keys in one record
      const unit = pick(r, [',"x"', ',x', ' a="1"', '"k":1,', '<b/>']);
      out = text.slice(0, at) + unit.repeat(pick(r, [1000, 100_000])) + text.slice(at);
      break;
    }
    case 6: { // splice with another seed at a line boundary
      const o = dec.decode(other);
      const i = text.lastIndexOf('\n', at);
      const j = o.indexOf('\n', int(r, o.length + 1));
      out = text.slice(0, i < 0 ? 0 : i) + (j < 0 ? o : o.slice(j));
      break;
    }
    case 7: // truncation
      out = text.slice(0, at);
      break;
    case 8: { // encoding games: a BOM, UTF-16LE, NUL bytes
      const w = int(r, 3);
      if (w === 0) return enc.encode('\ufeff' + text);
      if (w === 1) {
        const u = new Uint8Array(2 + text.length * 2);
        u[0] = 0xff;
        u[1] = 0xfe;
        for (let i = 0; i < text.length; i++) {
          u[2 + i * 2] = text.charCodeAt(i) & 0xff;
          u[3 + i * 2] = text.charCodeAt(i) >> 8;
        }
        return clamp(u);
      }
      out = text.slice(0, at) + '\0'.repeat(1 + int(r, 16)) + text.slice(at);
      break;
    }
    default:
      return mutateBinary(input, r, other);
  }
  return clamp(enc.encode(out));
}
