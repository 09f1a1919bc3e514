/**
 * The intermediate tree between BinXml tokens and EventElement (formats.md §A.5, §A.7: "build a tree, then
 * serialize"). Template definitions are parsed once per chunk into this form (template.ts) and instantiated
 * per record with that record's values (to-element.ts). Also holds the per-chunk parse context: the chunk's
 * bytes, its name cache and its template cache (both keyed by chunk-relative offset, §A.5.1, §A.5.3).
 */
import type { ByteLimits } from '../../../bytes/index.js';
import type { Diagnostic } from '../../../diag/index.js';

export const IR_ELEMENT = 0;
export const IR_TEXT = 1;
export const IR_SUBST = 2;
export const IR_TEMPLATE = 3;

export interface IrElement {
  readonly k: typeof IR_ELEMENT;
  readonly name: string;
  readonly attrs: IrAttribute[];
  readonly children: IrNode[];
  /** Closed by CloseEmptyElement (0x03): Windows renders `<X/>`, otherwise `<X></X>` (§A.7). */
  selfClosing: boolean;
  /** True when some child (directly) is a substitution: decides whether array expansion applies. */
  hasSubst: boolean;
}

/** Literal character data: Value text, CDATA, character and entity references (resolved). */
export interface IrText {
  readonly k: typeof IR_TEXT;
  readonly text: string;
}

/** NormalSubstitution (0x0D) or OptionalSubstitution (0x0E), §A.5.4. */
export interface IrSubst {
  readonly k: typeof IR_SUBST;
  readonly index: number;
  readonly optional: boolean;
  readonly type: number;
}

/** One value of a template instance: descriptor type and where its bytes are in the chunk. */
export interface ValueRef {
  readonly type: number;
  readonly offset: number;
  readonly size: number;
}

export interface TemplateDefinition {
  /** Chunk-relative offset of the definition (the cache key). */
  readonly offset: number;
  readonly guid: string;
  readonly root: IrNode[];
}

/** TemplateInstance (0x0C) with its values (§A.5.3). */
export interface IrTemplateInstance {
  readonly k: typeof IR_TEMPLATE;
  readonly def: TemplateDefinition;
  readonly values: ValueRef[];
}

export interface IrAttribute {
  readonly name: string;
  readonly parts: Array<IrText | IrSubst>;
}

export type IrNode = IrElement | IrText | IrSubst | IrTemplateInstance;

/** Everything a record parse needs from its chunk. Chunks are independent (§A.10.1). */
export interface ChunkContext {
  /** The chunk's bytes (≤ 65536); every offset in BinXml is relative to its start. */
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly names: Map<number, string>;
  /** Parsed definitions; `null` while one is being parsed (cycle guard); an Error when it failed. */
  readonly templates: Map<number, TemplateDefinition | null | Error>;
  readonly limits: ByteLimits;
  readonly file?: string;
  readonly chunkIndex: number;
  /** Absolute file offset of the chunk, for diagnostics. */
  readonly fileOffset: number;
  /** Warnings of the record being parsed (value decode problems); reset per record. */
  warnings: Diagnostic[];
  /**
   * What the record being built may still produce (reset per record): elements (plus nested fragments and
   * template instantiations) and characters of text. Array expansion and repeated substitutions can
   * multiply a 64 KiB record into millions of nodes; these caps keep memory bounded (house rule).
   */
  budget: { elements: number; chars: number };
}

/** Per-record output caps: real events have well under a thousand elements and a few KiB of text. */
export const RECORD_ELEMENT_BUDGET = 100_000;
export const RECORD_CHAR_BUDGET = 16 * 1024 * 1024;

export function newChunkContext(bytes: Uint8Array, chunkIndex: number, fileOffset: number, limits: ByteLimits, file?: string): ChunkContext {
  return {
    bytes,
    view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    names: new Map(),
    templates: new Map(),
    limits,
    chunkIndex,
    fileOffset,
    warnings: [],
    budget: { elements: RECORD_ELEMENT_BUDGET, chars: RECORD_CHAR_BUDGET },
    ...(file !== undefined ? { file } : {}),
  };
}
