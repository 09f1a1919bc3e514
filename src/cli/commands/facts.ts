/**
 * The CLI's one way to read file facts from a file (`--file-info`, `--from`): any format
 * fileinfo/facts reads — Get-AppLockerFileInformation JSON or CSV (UTF-16 or UTF-8, with or without
 * `#TYPE`), `lockstep fileinfo --json`, a scan inventory. Reports problems and exits 1 when unusable.
 */
import { readFileFacts, type FileFacts } from '../../fileinfo/index.js';
import type { FileInformation } from '../../policy/index.js';
import { CliExit, ExitCode } from '../exit-codes.js';
import { diagnosticsJson, err, outJson, reportDiagnostics } from '../output.js';
import { readInput } from '../io.js';

/** Reads facts; on failure prints the located diagnostics (as JSON with `json`) and exits 1. */
export function readFactsOrExit(file: string, json = false): FileFacts {
  const r = readFileFacts(readInput(file), { file });
  if (!r.ok) {
    if (json) outJson({ file, diagnostics: diagnosticsJson(r.diagnostics) });
    else {
      reportDiagnostics(r.diagnostics, file);
      err(`error: \`${file}\` is not file facts: expected Get-AppLockerFileInformation JSON or CSV, \`lockstep fileinfo --json\` output or a scan inventory`);
    }
    throw new CliExit(ExitCode.ToolFailure);
  }
  if (!json) reportDiagnostics(r.diagnostics, file);
  if (r.value.skipped) err(`warning: \`${file}\`: ${r.value.skipped} record${r.value.skipped === 1 ? '' : 's'} have no file facts (the file could not be read or identified); they are not used`);
  return r.value;
}

/** Just the FileInformation of each record. */
export function readFactsFile(file: string): FileInformation[] {
  return readFactsOrExit(file).records.map((r) => r.info);
}
