/**
 * Test kit: builds small, valid EVTX files byte by byte (formats.md §A.2–§A.5) so unit and fuzz tests do
 * not depend on the corpus and can state exactly what each byte means. Not used by production code.
 */
import { crc32 } from 'node:zlib';

/** Little-endian byte writer whose positions are chunk-relative (names and templates need them, §A.5.1). */
export class ChunkWriter {
  readonly out: number[] = [];
  constructor(readonly base: number) {}
  get pos(): number {
    return this.base + this.out.length;
  }
  u8(...v: number[]): this {
    for (const x of v) this.out.push(x & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.u8(v, v >> 8);
  }
  u32(v: number): this {
    return this.u8(v, v >> 8, v >> 16, v >>> 24);
  }
  u64(v: bigint): this {
    return this.u32(Number(v & 0xffffffffn)).u32(Number(v >> 32n));
  }
  utf16(s: string): this {
    for (let i = 0; i < s.length; i++) this.u16(s.charCodeAt(i));
    return this;
  }
  raw(b: ArrayLike<number>): this {
    for (let i = 0; i < b.length; i++) this.out.push(b[i]!);
    return this;
  }
  /** A name reference with the name stored inline right after it (§A.5.1). */
  name(s: string): this {
    this.u32(this.pos + 4);
    return this.u32(0).u16(0).u16(s.length).utf16(s).u16(0);
  }
  /** OpenStartElement; `dep` = inside a template definition (2-byte dependency id). */
  open(name: string, hasAttrs: boolean, dep: boolean): this {
    this.u8(hasAttrs ? 0x41 : 0x01);
    if (dep) this.u16(0xffff);
    this.u32(0).name(name);
    if (hasAttrs) this.u32(0);
    return this;
  }
  attr(name: string, more: boolean): this {
    return this.u8(more ? 0x46 : 0x06).name(name);
  }
  text(s: string): this {
    return this.u8(0x05, 0x01).u16(s.length).utf16(s);
  }
  subst(index: number, type: number, optional: boolean): this {
    return this.u8(optional ? 0x0e : 0x0d).u16(index).u8(type);
  }
}

export interface SyntheticValue {
  readonly type: number;
  readonly bytes: ArrayLike<number>;
}

const NS = 'http://schemas.microsoft.com/win/2004/08/events/event';

/**
 * Writes the template definition used by every synthetic record:
 * <Event xmlns=NS><System><Provider Name='%0'/><EventID>%1</EventID><TimeCreated SystemTime='%2'/>
 * <EventRecordID>%3</EventRecordID><Computer>host</Computer></System>
 * <EventData><Data Name='A'>%4</Data><Binary>%5?</Binary></EventData></Event>
 */
function templateBody(w: ChunkWriter, dataCopies: number): void {
  w.u8(0x0f, 0x01, 0x01, 0x00);
  w.open('Event', true, true).attr('xmlns', false).text(NS).u8(0x02);
  w.open('System', false, true).u8(0x02);
  w.open('Provider', true, true).attr('Name', false).subst(0, 0x01, true).u8(0x03);
  w.open('EventID', false, true).u8(0x02).subst(1, 0x06, true).u8(0x04);
  w.open('TimeCreated', true, true).attr('SystemTime', false).subst(2, 0x11, true).u8(0x03);
  w.open('EventRecordID', false, true).u8(0x02).subst(3, 0x0a, true).u8(0x04);
  w.open('Computer', false, true).u8(0x02).text('host').u8(0x04);
  w.u8(0x04); // </System>
  w.open('EventData', false, true).u8(0x02);
  for (let i = 0; i < dataCopies; i++) w.open('Data', true, true).attr('Name', false).text('A').u8(0x02).subst(4, 0x01, false).u8(0x04);
  w.open('Binary', false, true).u8(0x02).subst(5, 0x0e, true).u8(0x04);
  w.u8(0x04); // </EventData>
  w.u8(0x04); // </Event>
  w.u8(0x00);
}

export interface SyntheticRecord {
  readonly id: number;
  readonly fileTime: bigint;
  readonly provider: string;
  readonly eventId: number;
  /** Value 4: a string, or a string array (0x81) that repeats `<Data>`. */
  readonly data: string | string[];
  /** Value 5: bytes, or null for a NULL optional value (suppresses `<Binary>`). */
  readonly binary: number[] | null;
}

function utf16Bytes(s: string): number[] {
  const w = new ChunkWriter(0);
  w.utf16(s);
  return w.out;
}

function values(r: SyntheticRecord): SyntheticValue[] {
  const le = (v: bigint, n: number): number[] => Array.from({ length: n }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
  const data = Array.isArray(r.data)
    ? { type: 0x81, bytes: r.data.flatMap((s) => [...utf16Bytes(s), 0, 0]) }
    : { type: 0x01, bytes: utf16Bytes(r.data) };
  return [
    { type: 0x01, bytes: utf16Bytes(r.provider) },
    { type: 0x06, bytes: le(BigInt(r.eventId), 2) },
    { type: 0x11, bytes: le(r.fileTime, 8) },
    { type: 0x0a, bytes: le(BigInt(r.id), 8) },
    data,
    r.binary === null ? { type: 0x00, bytes: [] } : { type: 0x0e, bytes: r.binary },
  ];
}

/**
 * One chunk (65536 bytes) holding `records`; the first defines the template inline, the rest reuse it.
 * `dataCopies` repeats the `<Data Name='A'>%4</Data>` element in the template (fan-out tests).
 */
export function buildChunk(records: readonly SyntheticRecord[], dataCopies = 1): Uint8Array {
  const chunk = new Uint8Array(65536);
  let off = 512;
  let templateOffset = -1;
  for (const r of records) {
    const w = new ChunkWriter(off + 24);
    w.u8(0x0f, 0x01, 0x01, 0x00, 0x0c, 0x01).u32(0x12345678);
    if (templateOffset < 0) {
      templateOffset = w.pos + 4;
      w.u32(templateOffset).u32(0).raw([0x78, 0x56, 0x34, 0x12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      const body = new ChunkWriter(w.pos + 4);
      templateBody(body, dataCopies);
      w.u32(body.out.length).raw(body.out);
    } else w.u32(templateOffset);
    const vs = values(r);
    w.u32(vs.length);
    for (const v of vs) w.u16(v.bytes.length).u8(v.type, 0);
    for (const v of vs) w.raw(v.bytes);
    w.u8(0x00);
    while ((w.out.length + 28) % 8 !== 0) w.u8(0);
    const size = w.out.length + 28;
    const rec = new ChunkWriter(off);
    rec.u32(0x2a2a).u32(size).u64(BigInt(r.id)).u64(r.fileTime).raw(w.out).u32(size);
    chunk.set(rec.out, off);
    off += size;
  }
  const h = new ChunkWriter(0);
  const first = BigInt(records[0]?.id ?? 1);
  const last = BigInt(records[records.length - 1]?.id ?? 0);
  h.raw([0x45, 0x6c, 0x66, 0x43, 0x68, 0x6e, 0x6b, 0x00]).u64(first).u64(last).u64(first).u64(last).u32(128).u32(512).u32(off);
  chunk.set(h.out, 0);
  new DataView(chunk.buffer).setUint32(52, crc32(chunk.subarray(512, off)), true);
  new DataView(chunk.buffer).setUint32(124, crc32(chunk.subarray(128, 512), crc32(chunk.subarray(0, 120))), true);
  return chunk;
}

/** A whole EVTX file: 4096-byte header (with CRC) + the given chunks. */
export function buildEvtx(chunks: readonly Uint8Array[], flags = 0): Uint8Array {
  const file = new Uint8Array(4096 + 65536 * chunks.length);
  const h = new ChunkWriter(0);
  h.raw([0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00]).u64(0n).u64(BigInt(Math.max(0, chunks.length - 1))).u64(1n).u32(128).u16(1).u16(3).u16(4096).u16(chunks.length);
  file.set(h.out, 0);
  const dv = new DataView(file.buffer);
  dv.setUint32(120, flags, true);
  dv.setUint32(124, crc32(file.subarray(0, 120)), true);
  chunks.forEach((c, i) => file.set(c, 4096 + 65536 * i));
  return file;
}

export const FT_2016 = 130960800000000000n + 1234567n; // 2016-01-01T00:00:00.1234567Z

export function sampleRecords(n: number, startId = 1): SyntheticRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    id: startId + i,
    fileTime: FT_2016 + BigInt(i) * 10_000_000n,
    provider: i % 3 === 0 ? '' : 'Lockstep-Test',
    eventId: 8000 + (i % 30),
    data: i % 2 === 0 ? `value <${i}> & more` : ['x', '', `y${i}`],
    binary: i % 4 === 0 ? null : [0xd9, 0x06, 0, 0],
  }));
}
