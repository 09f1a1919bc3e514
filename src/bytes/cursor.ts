/**
 * ByteCursor: the one way core rooms read untrusted binary input. Every read is bounded and named, so a
 * short or hostile file yields a `bytes.truncated` diagnostic with the offset and the field, never a
 * RangeError or a silent zero. Takes a Uint8Array; no Node APIs.
 */
import type { Diagnostic } from '../diag/index.js';

/** Thrown by a cursor read past the end; parsers catch it at their record/structure boundary. */
export class TruncatedError extends Error {
  readonly diagnostic: Diagnostic;
  constructor(readonly offset: number, readonly field: string, readonly need: number, readonly have: number, file?: string) {
    super(`truncated reading \`${field}\` at offset ${offset}: need ${need} bytes, have ${have}`);
    this.name = 'TruncatedError';
    this.diagnostic = {
      code: 'bytes.truncated',
      severity: 'error',
      message: `input ends while reading \`${field}\`: need ${need} bytes, ${have} left`,
      location: { kind: 'bytes', offset, field, ...(file !== undefined ? { file } : {}) },
    };
  }
}

export class ByteCursor {
  private readonly view: DataView;
  pos: number;

  constructor(readonly bytes: Uint8Array, start = 0, readonly end = bytes.length, readonly file?: string) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Throws TruncatedError unless `n` bytes are available at the current position. */
  need(n: number, field: string): void {
    if (n < 0 || this.pos + n > this.end) throw new TruncatedError(this.pos, field, n, Math.max(0, this.end - this.pos), this.file);
  }

  seek(offset: number, field = 'seek'): this {
    if (offset < 0 || offset > this.end) throw new TruncatedError(offset, field, 0, 0, this.file);
    this.pos = offset;
    return this;
  }

  skip(n: number, field: string): this {
    this.need(n, field);
    this.pos += n;
    return this;
  }

  u8(field: string): number {
    this.need(1, field);
    return this.view.getUint8(this.pos++);
  }

  u16le(field: string): number {
    this.need(2, field);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  i16le(field: string): number {
    this.need(2, field);
    const v = this.view.getInt16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32le(field: string): number {
    this.need(4, field);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  i32le(field: string): number {
    this.need(4, field);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  u64le(field: string): bigint {
    this.need(8, field);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  i64le(field: string): bigint {
    this.need(8, field);
    const v = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }

  f32le(field: string): number {
    this.need(4, field);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  f64le(field: string): number {
    this.need(8, field);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** A view (no copy) of the next `n` bytes. */
  bytesView(n: number, field: string): Uint8Array {
    this.need(n, field);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** `chars` UTF-16LE code units. */
  utf16le(chars: number, field: string): string {
    return decodeUtf16le(this.bytesView(chars * 2, field));
  }

  /** A sub-cursor over the next `n` bytes (advances this cursor past them). */
  sub(n: number, field: string): ByteCursor {
    this.need(n, field);
    const c = new ByteCursor(this.bytes, this.pos, this.pos + n, this.file);
    this.pos += n;
    return c;
  }
}

const utf16 = new TextDecoder('utf-16le', { fatal: false });
const utf8 = new TextDecoder('utf-8', { fatal: false });

export function decodeUtf16le(b: Uint8Array): string {
  return utf16.decode(b);
}

export function decodeUtf8(b: Uint8Array): string {
  return utf8.decode(b);
}

/** Reads a little-endian u32 without a cursor, for magic checks; undefined when out of range. */
export function peekU32le(b: Uint8Array, offset: number): number | undefined {
  if (offset < 0 || offset + 4 > b.length) return undefined;
  return (b[offset]! | (b[offset + 1]! << 8) | (b[offset + 2]! << 16) | (b[offset + 3]! << 24)) >>> 0;
}

export function toHex(b: Uint8Array, upper = true): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return upper ? s.toUpperCase() : s;
}
