/**
 * `--catroot DIR`: reads every `.cat` under a copy of `C:\Windows\System32\CatRoot` (any depth; CatRoot keeps
 * catalogs in `{GUID}` folders) into a catalog index for identification (fileinfo/catalog). Bounded: at most
 * MAX_CATALOG_FILES files of at most 256 MiB each. Reports what it read on stderr.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildCatalogIndex, MAX_CATALOG_FILES, type CatalogIndex } from '../fileinfo/index.js';
import { CliExit, ExitCode } from './exit-codes.js';
import { err, reportDiagnostics } from './output.js';

const MAX_CAT_BYTES = 256 * 1024 * 1024;

/** Loads the catalogs under `dir`; exits 1 when the folder cannot be read or holds none. */
export async function loadCatroot(dir: string, quiet = false): Promise<CatalogIndex> {
  const files: { name: string; bytes: Uint8Array }[] = [];
  const walk = (d: string, depth: number): void => {
    if (depth > 8 || files.length >= MAX_CATALOG_FILES) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p, depth + 1);
      else if (e.isFile() && e.name.toLowerCase().endsWith('.cat') && statSync(p).size <= MAX_CAT_BYTES && files.length < MAX_CATALOG_FILES) {
        files.push({ name: relative(dir, p) || e.name, bytes: readFileSync(p) });
      }
    }
  };
  try {
    walk(dir, 0);
  } catch (e) {
    err(`error: cannot read the catalog folder \`${dir}\`: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    throw new CliExit(ExitCode.ToolFailure);
  }
  if (files.length === 0) {
    err(`error: no .cat files under \`${dir}\``);
    err('  help: copy C:\\Windows\\System32\\CatRoot from the reference computer and pass that folder');
    throw new CliExit(ExitCode.ToolFailure);
  }
  const { index, diagnostics } = await buildCatalogIndex(files);
  if (!quiet) {
    reportDiagnostics(diagnostics, dir);
    err(`catroot: ${index.catalogs} catalogs (${index.signedCatalogs} with a verified signature), ${Object.keys(index.members).length} member digests`);
  }
  return index;
}
