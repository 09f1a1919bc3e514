/**
 * The section table (IMAGE_SECTION_HEADER × NumberOfSections at optional header + SizeOfOptionalHeader) and
 * RVA → file-offset mapping. Used by parsePe, the resource walk and the Authenticode digest. Spec: PE Format
 * (MS Learn) "Section Table (Section Headers)"; formats.md §B.1 "RVA → file offset".
 */
import { ByteCursor } from '../../bytes/index.js';
import type { Diagnostic } from '../../diag/index.js';
import { SECTION_HEADER_SIZE } from './raw.js';
import { PE_CODES, peDiag } from './errors.js';

/** IMAGE_SECTION_HEADER. */
export interface SectionHeader {
  /** Name as stored (up to 8 bytes, NULs trimmed; `/n` long names are not resolved). */
  readonly name: string;
  readonly virtualSize: number;
  readonly virtualAddress: number;
  readonly sizeOfRawData: number;
  readonly pointerToRawData: number;
  readonly characteristics: number;
  /** File offset of this header in the section table. */
  readonly headerOffset: number;
}

/** The Windows loader refuses more than 96 sections; PECOFF caps NumberOfSections at 96 as well. */
export const MAX_SECTIONS = 96;

/**
 * Reads `count` section headers at `offset`. The count is checked against MAX_SECTIONS before anything is
 * allocated; a table that runs past EOF throws TruncatedError (fatal: the image cannot be hashed).
 */
export function readSectionTable(bytes: Uint8Array, offset: number, count: number, file?: string): { sections: SectionHeader[]; error?: Diagnostic } {
  if (count > MAX_SECTIONS) {
    return {
      sections: [],
      error: peDiag(PE_CODES.tooManySections, 'error', `NumberOfSections ${count} exceeds the loader's limit of ${MAX_SECTIONS}`, offset, 'IMAGE_FILE_HEADER.NumberOfSections', file),
    };
  }
  const cur = new ByteCursor(bytes, 0, bytes.length, file);
  cur.seek(offset, 'IMAGE_SECTION_HEADER[0]');
  cur.need(count * SECTION_HEADER_SIZE, `IMAGE_SECTION_HEADER[${count}]`);
  const sections: SectionHeader[] = [];
  for (let i = 0; i < count; i++) {
    const headerOffset = cur.pos;
    const nameBytes = cur.bytesView(8, `IMAGE_SECTION_HEADER[${i}].Name`);
    let n = nameBytes.indexOf(0);
    if (n < 0) n = 8;
    const name = String.fromCharCode(...nameBytes.subarray(0, n));
    const virtualSize = cur.u32le(`IMAGE_SECTION_HEADER[${i}].VirtualSize`);
    const virtualAddress = cur.u32le(`IMAGE_SECTION_HEADER[${i}].VirtualAddress`);
    const sizeOfRawData = cur.u32le(`IMAGE_SECTION_HEADER[${i}].SizeOfRawData`);
    const pointerToRawData = cur.u32le(`IMAGE_SECTION_HEADER[${i}].PointerToRawData`);
    cur.skip(12, `IMAGE_SECTION_HEADER[${i}].PointerToRelocations`);
    const characteristics = cur.u32le(`IMAGE_SECTION_HEADER[${i}].Characteristics`);
    sections.push({ name, virtualSize, virtualAddress, sizeOfRawData, pointerToRawData, characteristics, headerOffset });
  }
  return { sections };
}

/**
 * Maps an RVA to a file offset, or undefined when it lies in zero-fill or nowhere in the file.
 * RVAs below SizeOfHeaders map 1:1 (§B.1).
 */
export function rvaToOffset(sections: readonly SectionHeader[], sizeOfHeaders: number, rva: number): number | undefined {
  for (const s of sections) {
    const span = Math.max(s.virtualSize, s.sizeOfRawData);
    if (rva >= s.virtualAddress && rva < s.virtualAddress + span) {
      const delta = rva - s.virtualAddress;
      if (delta >= s.sizeOfRawData) return undefined;
      return s.pointerToRawData + delta;
    }
  }
  if (rva < sizeOfHeaders) return rva;
  return undefined;
}
