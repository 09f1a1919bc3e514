/**
 * BinXml value types: decode a substitution value (type byte + `valueSize` bytes inside the chunk) into
 * the text Windows renders for it. Used by to-element.ts when a template instance is turned into an
 * EventElement tree. Spec: formats.md §A.6 (value types, "Windows XML text" column) and §A.5.2/§A.5.4.
 * Formatting follows the Windows profile only; evtxexport's differences are normalised in the oracle test.
 */
import { decodeUtf16le } from '../../../bytes/index.js';

/** Value type bytes, names as in MS-EVEN6 §2.2.12 / formats.md §A.6. */
export const ValueType = {
  Null: 0x00,
  String: 0x01,
  AnsiString: 0x02,
  Int8: 0x03,
  UInt8: 0x04,
  Int16: 0x05,
  UInt16: 0x06,
  Int32: 0x07,
  UInt32: 0x08,
  Int64: 0x09,
  UInt64: 0x0a,
  Real32: 0x0b,
  Real64: 0x0c,
  Bool: 0x0d,
  Binary: 0x0e,
  Guid: 0x0f,
  SizeT: 0x10,
  FileTime: 0x11,
  SysTime: 0x12,
  Sid: 0x13,
  HexInt32: 0x14,
  HexInt64: 0x15,
  EvtHandle: 0x20,
  BinXml: 0x21,
  EvtXml: 0x23,
  ArrayFlag: 0x80,
} as const;

/** A decoded value: text, a list of texts (arrays repeat the enclosing element, §A.5.4), or an error. */
export type DecodedValue =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'array'; readonly items: readonly string[] }
  | { readonly kind: 'invalid'; readonly message: string };

const ansi = new TextDecoder('windows-1252', { fatal: false });
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const HEX_UPPER = HEX.map((h) => h.toUpperCase());

/** Fixed wire size of scalar types (0 = variable). */
export function fixedSize(type: number): number {
  switch (type) {
    case ValueType.Int8:
    case ValueType.UInt8:
      return 1;
    case ValueType.Int16:
    case ValueType.UInt16:
      return 2;
    case ValueType.Int32:
    case ValueType.UInt32:
    case ValueType.Real32:
    case ValueType.HexInt32:
      return 4;
    case ValueType.Int64:
    case ValueType.UInt64:
    case ValueType.Real64:
    case ValueType.FileTime:
    case ValueType.HexInt64:
      return 8;
    case ValueType.Guid:
    case ValueType.SysTime:
      return 16;
    default:
      return 0;
  }
}

/** UTF-16LE string value: `size/2` code units, cut at the first U+0000 (§A.5.2). */
export function utf16Value(b: Uint8Array, off: number, size: number): string {
  let end = off + (size & ~1);
  for (let i = off; i < end; i += 2) {
    if (b[i] === 0 && b[i + 1] === 0) {
      end = i;
      break;
    }
  }
  return decodeUtf16le(b.subarray(off, end));
}

function u16(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8);
}
function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}
function i32(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24);
}

/** Unsigned 64-bit decimal without BigInt when it fits in 2^53. */
function u64Dec(b: Uint8Array, o: number): string {
  const lo = u32(b, o);
  const hi = u32(b, o + 4);
  if (hi < 0x200000) return String(hi * 4294967296 + lo);
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

function i64Dec(b: Uint8Array, o: number): string {
  const lo = u32(b, o);
  const hi = i32(b, o + 4);
  if (hi >= -0x200000 && hi < 0x200000) return String(hi * 4294967296 + lo);
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

function u64Hex(b: Uint8Array, o: number): string {
  const lo = u32(b, o);
  const hi = u32(b, o + 4);
  return hi === 0 ? '0x' + lo.toString(16) : '0x' + hi.toString(16) + lo.toString(16).padStart(8, '0');
}

/** Upper-case hex of raw bytes, no separators (Binary, §A.6). */
export function hexUpper(b: Uint8Array, off: number, size: number): string {
  let s = '';
  for (let i = off; i < off + size; i++) s += HEX_UPPER[b[i]!]!;
  return s;
}

/** `{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}` lower case, mixed-endian as Windows (§A.6 Guid). */
export function guidText(b: Uint8Array, o: number): string {
  const h = (i: number): string => HEX[b[o + i]!]!;
  return (
    '{' + h(3) + h(2) + h(1) + h(0) + '-' + h(5) + h(4) + '-' + h(7) + h(6) + '-' + h(8) + h(9) + '-' +
    h(10) + h(11) + h(12) + h(13) + h(14) + h(15) + '}'
  );
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** Proleptic Gregorian civil date from days since 1970-01-01 (H. Hinnant's algorithm; never throws). */
function civil(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [era * 400 + yoe + (m <= 2 ? 1 : 0), m, d];
}

/**
 * FILETIME (100-ns ticks since 1601-01-01 UTC) as Windows renders it: `YYYY-MM-DDTHH:MM:SS.fffffffZ`
 * with all 7 fraction digits (§A.6 FileTime, §A.4). Exact for every u64 (BigInt above 2^53).
 */
export function fileTimeText(lo: number, hi: number): string {
  let secs: number;
  let frac: number;
  if (hi < 0x200000) {
    const t = hi * 4294967296 + lo;
    secs = Math.floor(t / 1e7);
    frac = t - secs * 1e7;
  } else {
    const t = (BigInt(hi) << 32n) | BigInt(lo);
    secs = Number(t / 10000000n);
    frac = Number(t % 10000000n);
  }
  const days = Math.floor(secs / 86400);
  const sod = secs - days * 86400;
  const [y, mo, d] = civil(days - 134774); // 134774 days from 1601-01-01 to 1970-01-01
  const ys = y >= 0 && y <= 9999 ? String(y).padStart(4, '0') : String(y);
  return (
    ys + '-' + pad2(mo) + '-' + pad2(d) + 'T' + pad2(Math.floor(sod / 3600)) + ':' + pad2(Math.floor((sod % 3600) / 60)) +
    ':' + pad2(sod % 60) + '.' + String(frac).padStart(7, '0') + 'Z'
  );
}

/** SYSTEMTIME as `YYYY-MM-DDTHH:MM:SS.mmmZ` (§A.6 SysTime; Windows form uncertain, evtxexport measured). */
function sysTimeText(b: Uint8Array, o: number): string {
  return (
    String(u16(b, o)).padStart(4, '0') + '-' + pad2(u16(b, o + 2)) + '-' + pad2(u16(b, o + 6)) + 'T' + pad2(u16(b, o + 8)) +
    ':' + pad2(u16(b, o + 10)) + ':' + pad2(u16(b, o + 12)) + '.' + String(u16(b, o + 14)).padStart(3, '0') + 'Z'
  );
}

/** SID in SDDL form; returns the text and the bytes it used, or undefined when it does not fit (§A.6 Sid). */
export function sidText(b: Uint8Array, o: number, avail: number): { text: string; size: number } | undefined {
  if (avail < 8) return undefined;
  const rev = b[o]!;
  const count = b[o + 1]!;
  const size = 8 + 4 * count;
  if (size > avail) return undefined;
  const authHi = (b[o + 2]! << 8) | b[o + 3]!;
  const authLo = ((b[o + 4]! << 24) | (b[o + 5]! << 16) | (b[o + 6]! << 8) | b[o + 7]!) >>> 0;
  // MS-DTYP 2.4.2.1: an authority ≥ 2^32 is printed in hex.
  const auth = authHi === 0 ? String(authLo) : '0x' + authHi.toString(16).padStart(4, '0') + authLo.toString(16).padStart(8, '0');
  let s = 'S-' + rev + '-' + auth;
  for (let i = 0; i < count; i++) s += '-' + u32(b, o + 8 + 4 * i);
  return { text: s, size };
}

function realText(v: number): string {
  // §A.6 Real32/Real64 are [uncertain]; not present in any sample. JS shortest round-trip form.
  return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? '-1.#IND' : v > 0 ? '1.#INF' : '-1.#INF';
}

/** One scalar item of `type` at `o` (size bytes available); undefined when the bytes do not fit. */
function scalarText(b: Uint8Array, dv: DataView, type: number, o: number, size: number): string | undefined {
  switch (type) {
    case ValueType.Null:
      return '';
    case ValueType.String:
      return utf16Value(b, o, size);
    case ValueType.AnsiString: {
      let end = o + size;
      for (let i = o; i < end; i++) if (b[i] === 0) { end = i; break; }
      return ansi.decode(b.subarray(o, end));
    }
    case ValueType.Int8:
      return size >= 1 ? String((b[o]! << 24) >> 24) : undefined;
    case ValueType.UInt8:
      return size >= 1 ? String(b[o]!) : undefined;
    case ValueType.Int16:
      return size >= 2 ? String((u16(b, o) << 16) >> 16) : undefined;
    case ValueType.UInt16:
      return size >= 2 ? String(u16(b, o)) : undefined;
    case ValueType.Int32:
      return size >= 4 ? String(i32(b, o)) : undefined;
    case ValueType.UInt32:
      return size >= 4 ? String(u32(b, o)) : undefined;
    case ValueType.Int64:
      return size >= 8 ? i64Dec(b, o) : undefined;
    case ValueType.UInt64:
      return size >= 8 ? u64Dec(b, o) : undefined;
    case ValueType.Real32:
      return size >= 4 ? realText(dv.getFloat32(o, true)) : undefined;
    case ValueType.Real64:
      return size >= 8 ? realText(dv.getFloat64(o, true)) : undefined;
    case ValueType.Bool: {
      // Win32 BOOL is 4 bytes in practice, MS-EVEN6 says 1: any non-zero byte is true (irregular values, §A.6).
      if (size < 1) return undefined;
      for (let i = o; i < o + size; i++) if (b[i] !== 0) return 'true';
      return 'false';
    }
    case ValueType.Binary:
      return hexUpper(b, o, size);
    case ValueType.Guid:
      return size >= 16 ? guidText(b, o) : undefined;
    case ValueType.SizeT:
      if (size === 4) return '0x' + u32(b, o).toString(16);
      return size >= 8 ? u64Hex(b, o) : undefined;
    case ValueType.FileTime:
      return size >= 8 ? fileTimeText(u32(b, o), u32(b, o + 4)) : undefined;
    case ValueType.SysTime:
      return size >= 16 ? sysTimeText(b, o) : undefined;
    case ValueType.Sid:
      return sidText(b, o, size)?.text;
    case ValueType.HexInt32:
      return size >= 4 ? '0x' + u32(b, o).toString(16) : undefined;
    case ValueType.HexInt64:
      return size >= 8 ? u64Hex(b, o) : undefined;
    default:
      return undefined;
  }
}

export function typeName(type: number): string {
  const base = type & 0x7f;
  const name = (Object.keys(ValueType) as (keyof typeof ValueType)[]).find((k) => ValueType[k] === base && k !== 'ArrayFlag');
  return (name ?? `0x${base.toString(16).padStart(2, '0')}`) + (type & 0x80 ? '[]' : '');
}

/**
 * Decodes a non-BinXml value of `type` stored at `off` (`size` bytes) in `b` (§A.6). BinXml (0x21) values
 * are parsed by the caller (they are nested fragments of the same chunk).
 */
export function decodeValue(b: Uint8Array, dv: DataView, type: number, off: number, size: number): DecodedValue {
  if ((type & 0x80) === 0) {
    const t = scalarText(b, dv, type, off, size);
    if (t === undefined) return { kind: 'invalid', message: `value of type ${typeName(type)} does not fit in ${size} bytes` };
    return { kind: 'text', text: t };
  }
  const base = type & 0x7f;
  const items: string[] = [];
  const end = off + size;
  if (base === ValueType.String || base === ValueType.AnsiString) {
    // Concatenated NUL-terminated strings filling valueSize (§A.6 String[]).
    const step = base === ValueType.String ? 2 : 1;
    let start = off;
    for (let i = off; i + step <= end; i += step) {
      const nul = step === 2 ? b[i] === 0 && b[i + 1] === 0 : b[i] === 0;
      if (nul) {
        items.push(step === 2 ? decodeUtf16le(b.subarray(start, i)) : ansi.decode(b.subarray(start, i)));
        start = i + step;
      }
    }
    if (start + step <= end) items.push(step === 2 ? decodeUtf16le(b.subarray(start, end - ((end - start) % 2))) : ansi.decode(b.subarray(start, end)));
    return { kind: 'array', items };
  }
  if (base === ValueType.Sid) {
    let o = off;
    while (o < end) {
      const s = sidText(b, o, end - o);
      if (!s) return { kind: 'invalid', message: `truncated SID in array at byte ${o - off}` };
      items.push(s.text);
      o += s.size;
    }
    return { kind: 'array', items };
  }
  let item = fixedSize(base);
  if (base === ValueType.Bool) item = 4;
  if (base === ValueType.SizeT) item = size % 8 === 0 ? 8 : 4;
  if (item === 0 || base === ValueType.Binary || base === ValueType.BinXml) {
    return { kind: 'invalid', message: `array of type ${typeName(base)} is not allowed` };
  }
  if (size % item !== 0) return { kind: 'invalid', message: `array of ${typeName(base)} has ${size} bytes, not a multiple of ${item}` };
  for (let o = off; o < end; o += item) items.push(scalarText(b, dv, base, o, item)!);
  return { kind: 'array', items };
}
