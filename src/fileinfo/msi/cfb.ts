/**
 * Compound File Binary (OLE2 / [MS-CFB]) reader: header, DIFAT → FAT, MiniFAT, directory red-black tree and
 * stream bytes. Used by the MSI reader (msi/index.ts) and the MSI signature digest; nothing else should need it.
 * Spec: shared/spec/formats.md §D.1. Every count read from the file is capped before allocation, every
 * chain walk is bounded by the number of sectors in the file (hostile files make cycles), and failures are
 * `fileinfo.cfb.*` diagnostics, never a throw.
 */
import { ByteCursor, TruncatedError, decodeUtf16le } from '../../bytes/index.js';
import { fail, ok, type Diagnostic, type Result } from '../../diag/index.js';

/** Caps for hostile compound files (options with documented defaults, design README convention 5). */
export interface CfbLimits {
  /** Largest stream we will materialise (bytes). Default 256 MiB. */
  readonly maxStreamBytes: number;
  /** Most directory entries. Default 65,536. */
  readonly maxEntries: number;
}

export const DEFAULT_CFB_LIMITS: CfbLimits = { maxStreamBytes: 256 * 1024 * 1024, maxEntries: 65_536 };

export type CfbEntryType = 'storage' | 'stream' | 'root';

/** One directory entry ([MS-CFB] 2.6.1), with its children resolved from the sibling tree. */
export interface CfbEntry {
  readonly id: number;
  /** Decoded UTF-16 name (MSI names are still compressed here; see msi-strings.ts). */
  readonly name: string;
  /** The on-disk UTF-16LE name bytes without the terminating NUL (the MSI digest sorts on these). */
  readonly rawName: Uint8Array;
  readonly type: CfbEntryType;
  readonly clsid: Uint8Array;
  readonly stateBits: number;
  /** creation FILETIME then modified FILETIME, 16 raw bytes. */
  readonly times: Uint8Array;
  readonly startSector: number;
  readonly size: number;
  /** Ids of the direct children (storages and root only), in tree order. */
  readonly children: readonly number[];
}

export interface CompoundFile {
  readonly majorVersion: number;
  readonly sectorSize: number;
  readonly entries: readonly CfbEntry[];
  readonly root: CfbEntry;
  /** The stream's bytes (mini stream for small streams), or diagnostics when its chain is broken. */
  readStream(entry: CfbEntry): Result<Uint8Array>;
  /** A direct child of `storage` by decoded name. */
  child(storage: CfbEntry, name: string): CfbEntry | undefined;
}

const SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ENDOFCHAIN = 0xfffffffe;
const FREESECT = 0xffffffff;
const NOSTREAM = 0xffffffff;
const MAX_REGSECT = 0xfffffffa;

/** True when `bytes` starts with the compound-file signature. */
export function isCompoundFile(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

function diag(code: string, message: string, offset: number, field: string, file?: string): Diagnostic {
  return {
    code: `fileinfo.cfb.${code}`,
    severity: 'error',
    message,
    location: { kind: 'bytes', offset, field, ...(file !== undefined ? { file } : {}) },
  };
}

/**
 * Parses a compound file's structure (not the stream contents, which are read lazily).
 * @example
 * const r = parseCompoundFile(bytes, { file: 'setup.msi' });
 * if (r.ok) r.value.readStream(r.value.child(r.value.root, '\u0005SummaryInformation')!);
 */
export function parseCompoundFile(
  bytes: Uint8Array,
  opts: { file?: string; limits?: Partial<CfbLimits> } = {},
): Result<CompoundFile> {
  const file = opts.file;
  const limits = { ...DEFAULT_CFB_LIMITS, ...opts.limits };
  try {
    return parseInner(bytes, file, limits);
  } catch (e) {
    if (e instanceof TruncatedError) return fail([e.diagnostic]);
    throw e;
  }
}

function parseInner(bytes: Uint8Array, file: string | undefined, limits: CfbLimits): Result<CompoundFile> {
  if (!isCompoundFile(bytes)) {
    return fail([diag('bad-signature', 'not a compound file: the signature `D0 CF 11 E0 A1 B1 1A E1` is missing', 0, 'Header.Signature', file)]);
  }
  const h = new ByteCursor(bytes, 0, bytes.length, file);
  h.seek(24, 'Header.MinorVersion');
  h.u16le('Header.MinorVersion');
  const major = h.u16le('Header.MajorVersion');
  const byteOrder = h.u16le('Header.ByteOrder');
  const sectorShift = h.u16le('Header.SectorShift');
  const miniShift = h.u16le('Header.MiniSectorShift');
  if (byteOrder !== 0xfffe) return fail([diag('bad-header', `byte order mark is \`0x${byteOrder.toString(16)}\`, expected \`0xfffe\``, 28, 'Header.ByteOrder', file)]);
  // §D.1: v3 uses 512-byte sectors, v4 4096-byte; mini sectors are always 64 bytes.
  if (!((major === 3 && sectorShift === 9) || (major === 4 && sectorShift === 12))) {
    return fail([diag('bad-header', `unsupported version ${major} with sector shift ${sectorShift}`, 26, 'Header.MajorVersion', file)]);
  }
  if (miniShift !== 6) return fail([diag('bad-header', `mini sector shift is ${miniShift}, expected 6`, 32, 'Header.MiniSectorShift', file)]);
  const sectorSize = 1 << sectorShift;
  h.seek(44, 'Header.NumFatSectors');
  const numFat = h.u32le('Header.NumFatSectors');
  const firstDir = h.u32le('Header.FirstDirectorySector');
  h.u32le('Header.TransactionSignature');
  const miniCutoff = h.u32le('Header.MiniStreamCutoff');
  const firstMiniFat = h.u32le('Header.FirstMiniFatSector');
  const numMiniFat = h.u32le('Header.NumMiniFatSectors');
  const firstDifat = h.u32le('Header.FirstDifatSector');
  const numDifat = h.u32le('Header.NumDifatSectors');

  // INVARIANT: a sector index is only valid if the whole sector lies inside the file.
  const sectorCount = Math.max(0, Math.floor((bytes.length - sectorSize) / sectorSize));
  const sectorOffset = (n: number): number => (n + 1) * sectorSize;
  const inFile = (n: number): boolean => n <= MAX_REGSECT && n < sectorCount;

  if (numFat > sectorCount) {
    return fail([diag('too-many-sectors', `header declares ${numFat} FAT sectors but the file holds only ${sectorCount} sectors`, 44, 'Header.NumFatSectors', file)]);
  }

  // DIFAT: 109 entries in the header, then a chain of DIFAT sectors (last u32 of each = next).
  const fatSectors: number[] = [];
  h.seek(76, 'Header.DIFAT');
  for (let i = 0; i < 109 && fatSectors.length < numFat; i++) fatSectors.push(h.u32le('Header.DIFAT[i]'));
  let difat = firstDifat;
  let difatSeen = 0;
  const perDifat = sectorSize / 4 - 1;
  while (fatSectors.length < numFat && difat !== ENDOFCHAIN && difat !== FREESECT) {
    if (!inFile(difat) || difatSeen++ > Math.min(numDifat, sectorCount)) {
      return fail([diag('bad-chain', `DIFAT chain points at sector ${difat}, outside the file or in a loop`, 68, 'Header.FirstDifatSector', file)]);
    }
    const c = new ByteCursor(bytes, sectorOffset(difat), sectorOffset(difat) + sectorSize, file);
    for (let i = 0; i < perDifat && fatSectors.length < numFat; i++) fatSectors.push(c.u32le('DIFAT.Entry'));
    c.seek(sectorOffset(difat) + perDifat * 4);
    difat = c.u32le('DIFAT.NextSector');
  }
  if (fatSectors.length < numFat) {
    return fail([diag('bad-chain', `found ${fatSectors.length} of ${numFat} FAT sectors`, 68, 'Header.FirstDifatSector', file)]);
  }

  const perSector = sectorSize / 4;
  const fat = new Uint32Array(numFat * perSector);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < numFat; i++) {
    const s = fatSectors[i]!;
    if (!inFile(s)) return fail([diag('sector-out-of-range', `FAT sector ${s} lies outside the file`, 76 + i * 4, 'Header.DIFAT', file)]);
    const base = sectorOffset(s);
    for (let j = 0; j < perSector; j++) fat[i * perSector + j] = dv.getUint32(base + j * 4, true);
  }

  /** Follows a chain; bounded by the FAT size so loops end. */
  const chain = (start: number, table: Uint32Array, field: string, limit: number, want = Infinity): Result<number[]> => {
    const out: number[] = [];
    let s = start;
    // Stop once `want` sectors are collected: some writers leave longer chains than the stream needs.
    while (s !== ENDOFCHAIN && out.length < want) {
      if (s >= table.length || out.length >= limit) {
        return fail([diag('bad-chain', `the ${field} chain breaks at sector ${s} (out of range or a loop)`, 0, field, file)]);
      }
      out.push(s);
      s = table[s]!;
    }
    return ok(out);
  };

  const readChain = (sectors: readonly number[], size: number, field: string): Result<Uint8Array> => {
    const out = new Uint8Array(size);
    let pos = 0;
    for (const s of sectors) {
      if (pos >= size) break;
      if (!inFile(s)) return fail([diag('sector-out-of-range', `${field} uses sector ${s}, outside the file`, sectorOffset(s), field, file)]);
      const n = Math.min(sectorSize, size - pos);
      out.set(bytes.subarray(sectorOffset(s), sectorOffset(s) + n), pos);
      pos += n;
    }
    if (pos < size) return fail([diag('short-stream', `${field} needs ${size} bytes but its chain holds ${pos}`, 0, field, file)]);
    return ok(out);
  };

  // Directory.
  const dirChain = chain(firstDir, fat, 'Directory', Math.min(sectorCount, Math.ceil((limits.maxEntries * 128) / sectorSize)));
  if (!dirChain.ok) return fail(dirChain.diagnostics);
  const dirBytes = readChain(dirChain.value, dirChain.value.length * sectorSize, 'Directory');
  if (!dirBytes.ok) return fail(dirBytes.diagnostics);
  const nEntries = Math.min(limits.maxEntries, Math.floor(dirBytes.value.length / 128));
  interface RawEntry { name: string; rawName: Uint8Array; type: number; left: number; right: number; child: number; clsid: Uint8Array; state: number; times: Uint8Array; start: number; size: number }
  const raw: RawEntry[] = [];
  const dc = new ByteCursor(dirBytes.value, 0, dirBytes.value.length, file);
  for (let i = 0; i < nEntries; i++) {
    dc.seek(i * 128);
    const nameBytes = dc.bytesView(64, 'DirectoryEntry.Name');
    const nameLen = dc.u16le('DirectoryEntry.NameLength');
    const type = dc.u8('DirectoryEntry.ObjectType');
    dc.u8('DirectoryEntry.Color');
    const left = dc.u32le('DirectoryEntry.LeftSibling');
    const right = dc.u32le('DirectoryEntry.RightSibling');
    const child = dc.u32le('DirectoryEntry.Child');
    const clsid = dc.bytesView(16, 'DirectoryEntry.CLSID');
    const state = dc.u32le('DirectoryEntry.StateBits');
    const times = dc.bytesView(16, 'DirectoryEntry.Times');
    const start = dc.u32le('DirectoryEntry.StartSector');
    const sizeLo = dc.u32le('DirectoryEntry.StreamSizeLow');
    const sizeHi = dc.u32le('DirectoryEntry.StreamSizeHigh');
    // v3: only the low 32 bits are meaningful (§D.1).
    const size = major === 3 ? sizeLo : sizeHi * 2 ** 32 + sizeLo;
    const n = Math.min(64, Math.max(0, nameLen - 2)) & ~1;
    const rawName = nameBytes.subarray(0, n);
    raw.push({ name: decodeUtf16le(rawName), rawName, type, left, right, child, clsid, state, times, start, size });
  }
  const rootRaw = raw[0];
  if (!rootRaw || rootRaw.type !== 5) {
    return fail([diag('bad-directory', 'the first directory entry is not the root storage', sectorOffset(firstDir), 'DirectoryEntry[0].ObjectType', file)]);
  }

  // Children: in-order walk of each storage's red-black tree, iterative with a visited set (§D.1).
  const diagnostics: Diagnostic[] = [];
  const claimed = new Set<number>([0]);
  const childrenOf = (id: number): number[] => {
    const out: number[] = [];
    const stack: number[] = [];
    let cur = raw[id]!.child;
    const seen = new Set<number>();
    while (stack.length || (cur !== NOSTREAM && cur < raw.length)) {
      while (cur !== NOSTREAM && cur < raw.length && !seen.has(cur)) {
        seen.add(cur);
        stack.push(cur);
        cur = raw[cur]!.left;
      }
      const top = stack.pop();
      if (top === undefined) break;
      if (claimed.has(top)) {
        diagnostics.push({ ...diag('tree-loop', `directory entry ${top} is reachable twice; ignored the second time`, 0, 'DirectoryEntry.Child', file), severity: 'warning' });
      } else {
        claimed.add(top);
        out.push(top);
      }
      cur = raw[top]!.right;
      if (seen.has(cur)) cur = NOSTREAM;
    }
    return out;
  };

  const entries: CfbEntry[] = new Array(raw.length);
  const typeOf = (t: number): CfbEntryType => (t === 5 ? 'root' : t === 1 ? 'storage' : 'stream');
  // Breadth-first from the root so each storage's children are resolved once.
  const queue = [0];
  const kids = new Map<number, number[]>();
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head]!;
    const c = childrenOf(id);
    kids.set(id, c);
    for (const k of c) if (raw[k]!.type === 1) queue.push(k);
  }
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i]!;
    entries[i] = {
      id: i, name: r.name, rawName: r.rawName, type: typeOf(r.type), clsid: r.clsid, stateBits: r.state, times: r.times,
      startSector: r.start, size: r.size, children: kids.get(i) ?? [],
    };
  }
  const root = entries[0]!;

  // MiniFAT and the mini stream (the root entry's stream).
  let miniFat = new Uint32Array(0);
  let miniStream: Uint8Array = new Uint8Array(0);
  let miniError: readonly Diagnostic[] | undefined;
  if (numMiniFat > 0 && firstMiniFat !== ENDOFCHAIN) {
    const mc = chain(firstMiniFat, fat, 'MiniFAT', Math.min(numMiniFat, sectorCount));
    const mb = mc.ok ? readChain(mc.value, mc.value.length * sectorSize, 'MiniFAT') : mc;
    if (mb.ok) {
      miniFat = new Uint32Array(mb.value.length / 4);
      const mdv = new DataView(mb.value.buffer, mb.value.byteOffset, mb.value.byteLength);
      for (let i = 0; i < miniFat.length; i++) miniFat[i] = mdv.getUint32(i * 4, true);
    } else miniError = mb.diagnostics;
  }
  if (root.size > 0 && !miniError) {
    if (root.size > limits.maxStreamBytes || root.size > bytes.length) {
      miniError = [diag('too-large', `the mini stream claims ${root.size} bytes`, 0, 'Root.StreamSize', file)];
    } else {
      const need = Math.ceil(root.size / sectorSize);
      const rc = chain(root.startSector, fat, 'MiniStream', need, need);
      const rb = rc.ok ? readChain(rc.value, root.size, 'MiniStream') : rc;
      if (rb.ok) miniStream = rb.value;
      else miniError = rb.diagnostics;
    }
  }

  const readStream = (e: CfbEntry): Result<Uint8Array> => {
    if (e.type !== 'stream') return fail([diag('not-a-stream', `\`${e.name}\` is a storage, not a stream`, 0, 'DirectoryEntry.ObjectType', file)]);
    if (e.size === 0) return ok(new Uint8Array(0));
    if (e.size > limits.maxStreamBytes || e.size > bytes.length) {
      return fail([diag('too-large', `stream \`${e.name}\` claims ${e.size} bytes (file is ${bytes.length}, cap ${limits.maxStreamBytes})`, 0, 'DirectoryEntry.StreamSize', file)]);
    }
    if (e.size < miniCutoff) {
      if (miniError) return fail(miniError);
      const need = Math.ceil(e.size / 64);
      const mc = chain(e.startSector, miniFat, `MiniChain(${e.name})`, need, need);
      if (!mc.ok) return mc;
      const out = new Uint8Array(e.size);
      let pos = 0;
      for (const s of mc.value) {
        if (pos >= e.size) break;
        const off = s * 64;
        const n = Math.min(64, e.size - pos);
        if (off + n > miniStream.length) {
          return fail([diag('sector-out-of-range', `mini sector ${s} of \`${e.name}\` lies outside the mini stream`, 0, 'MiniFAT', file)]);
        }
        out.set(miniStream.subarray(off, off + n), pos);
        pos += n;
      }
      if (pos < e.size) return fail([diag('short-stream', `stream \`${e.name}\` needs ${e.size} bytes but its mini chain holds ${pos}`, 0, 'MiniFAT', file)]);
      return ok(out);
    }
    const need = Math.ceil(e.size / sectorSize);
    const c = chain(e.startSector, fat, `Chain(${e.name})`, need, need);
    if (!c.ok) return c;
    return readChain(c.value, e.size, `stream \`${e.name}\``);
  };

  const child = (storage: CfbEntry, name: string): CfbEntry | undefined =>
    storage.children.map((i) => entries[i]!).find((e) => e.name === name);

  return ok({ majorVersion: major, sectorSize, entries, root, readStream, child }, diagnostics);
}
