/**
 * Raw PE/COFF layout constants, named as in Microsoft's "PE Format" (PECOFF) document: magic values, header
 * sizes, field offsets inside the optional header, data-directory indices. Only layout facts live here; the
 * readers in headers.ts, sections.ts and resources.ts use them. Spec: formats.md §B.1.
 */

/** `MZ` (IMAGE_DOS_SIGNATURE). */
export const IMAGE_DOS_SIGNATURE = 0x5a4d;
/** `PE\0\0` read as a little-endian u32 (IMAGE_NT_SIGNATURE). */
export const IMAGE_NT_SIGNATURE = 0x00004550;
/** Offset of `e_lfanew` in IMAGE_DOS_HEADER. */
export const E_LFANEW_OFFSET = 0x3c;
/** IMAGE_FILE_HEADER is 20 bytes. */
export const COFF_HEADER_SIZE = 20;
/** IMAGE_SECTION_HEADER is 40 bytes. */
export const SECTION_HEADER_SIZE = 40;

export const PE32_MAGIC = 0x10b;
export const PE32_PLUS_MAGIC = 0x20b;

/** Optional-header field offsets that differ between PE32 and PE32+ (PECOFF "Optional Header"). */
export const OPTIONAL_HEADER_OFFSETS = {
  PE32: { imageBase: 28, loaderFlags: 88, numberOfRvaAndSizes: 92, dataDirectories: 96 },
  'PE32+': { imageBase: 24, loaderFlags: 104, numberOfRvaAndSizes: 108, dataDirectories: 112 },
} as const;
/** Fields at the same offset in both formats. */
export const OPT_SIZE_OF_HEADERS = 60;
export const OPT_CHECKSUM = 64;
export const OPT_SUBSYSTEM = 68;
export const OPT_DLL_CHARACTERISTICS = 70;
/** The optional header must reach past CheckSum for the Authenticode hash to be defined (§B.2 note 4). */
export const MIN_OPTIONAL_HEADER_SIZE = 68;

/** IMAGE_DIRECTORY_ENTRY_* indices (PECOFF "Optional Header Data Directories"). */
export const DIRECTORY = {
  Export: 0,
  Import: 1,
  Resource: 2,
  Exception: 3,
  Certificate: 4,
  BaseReloc: 5,
  Debug: 6,
  Architecture: 7,
  GlobalPtr: 8,
  Tls: 9,
  LoadConfig: 10,
  BoundImport: 11,
  Iat: 12,
  DelayImport: 13,
  ClrRuntimeHeader: 14,
  Reserved: 15,
} as const;
export const DIRECTORY_NAMES = Object.keys(DIRECTORY) as readonly (keyof typeof DIRECTORY)[];
/** PECOFF defines 16 directories; more is allowed by the count field but meaningless. */
export const MAX_DATA_DIRECTORIES = 16;

/** IMAGE_FILE_* characteristics. */
export const IMAGE_FILE_EXECUTABLE_IMAGE = 0x0002;
export const IMAGE_FILE_DLL = 0x2000;

export const MACHINE_NAMES: Readonly<Record<number, string>> = {
  0x0000: 'unknown',
  0x014c: 'i386',
  0x0162: 'r3000',
  0x0166: 'r4000',
  0x01a2: 'sh3',
  0x01a6: 'sh4',
  0x01c0: 'arm',
  0x01c2: 'thumb',
  0x01c4: 'armnt',
  0x01f0: 'powerpc',
  0x0200: 'ia64',
  0x0ebc: 'ebc',
  0x5032: 'riscv32',
  0x5064: 'riscv64',
  0x8664: 'amd64',
  0xaa64: 'arm64',
  0xa641: 'arm64ec',
};

export const SUBSYSTEM_NAMES: Readonly<Record<number, string>> = {
  0: 'unknown',
  1: 'native',
  2: 'windows-gui',
  3: 'windows-cui',
  5: 'os2-cui',
  7: 'posix-cui',
  8: 'native-windows',
  9: 'windows-ce-gui',
  10: 'efi-application',
  11: 'efi-boot-service-driver',
  12: 'efi-runtime-driver',
  13: 'efi-rom',
  14: 'xbox',
  16: 'windows-boot-application',
};

/** Resource type RT_VERSION (PECOFF ".rsrc Section"; winuser.h). */
export const RT_VERSION = 16;
/** IMAGE_RESOURCE_DIRECTORY is 16 bytes; each entry 8; IMAGE_RESOURCE_DATA_ENTRY 16. */
export const RESOURCE_DIRECTORY_SIZE = 16;
export const RESOURCE_ENTRY_SIZE = 8;
export const RESOURCE_DATA_ENTRY_SIZE = 16;

/** VS_FIXEDFILEINFO.dwSignature. */
export const VS_FFI_SIGNATURE = 0xfeef04bd;
