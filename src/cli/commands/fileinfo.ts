/**
 * `lockstep fileinfo PATH…`: what Get-AppLockerFileInformation prints for each file — Path (with AppLocker
 * path variables when --os-root says where the Windows drive is mounted), Publisher (`PUB\PROD\BIN,VER`),
 * Hash (`SHA256 0x…`), AppX — plus file type, collection and signature status.
 * Spec: applocker.md §8.2, §4.3, §5.1. Exit: 0 every file identified without errors, 1 a file unreadable or not identified, or an error diagnostic
 * printed.
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { identifyFile, windowsPathUnder, type FileIdentity } from '../../fileinfo/index.js';
import { hasErrors } from '../../diag/index.js';
import { formatFqbn } from '../../policy/index.js';
import { InputFileError, MAX_READ_BYTES, readInputFile } from '../../store/index.js';
import { loadCatroot } from '../catroot.js';
import { CliExit, ExitCode } from '../exit-codes.js';
import { diagnosticsJson, out, outJson, reportDiagnostics } from '../output.js';

/** The JSON shape of one file (also used by the tests). */
export function fileIdentityJson(path: string, id: FileIdentity): Record<string, unknown> {
  return {
    path,
    Path: id.displayPath,
    Publisher: id.displayPublisher,
    Hash: id.displayHash,
    AppX: id.info.isPackagedApp === true,
    fqbn: formatFqbn(id.info.publisher),
    kind: id.kind,
    collection: id.collection ?? null,
    signature: id.signature,
    reasons: id.reasons,
    ...(id.signatureAnomalies?.length ? { signatureAnomalies: id.signatureAnomalies } : {}),
    ...(id.catalog ? { catalog: id.catalog } : {}),
    info: id.info,
  };
}

export function register(program: Command): void {
  program
    .command('fileinfo')
    .description('show the AppLocker file information (Path, Publisher, Hash) of files, like Get-AppLockerFileInformation')
    .argument('<paths...>', 'files to identify (PE, MSI, MSIX/AppX, scripts)')
    .option('--os-root <dir>', 'where the Windows system drive is mounted; paths under it are shown as C:\\… with AppLocker variables')
    .option('--catroot <dir>', 'a copy of C:\\Windows\\System32\\CatRoot: files without an embedded signature that a verified catalog lists get its signer as publisher')
    .option('--json', 'machine-readable output')
    .addHelpText('after', `
Examples:
  $ lockstep fileinfo setup.msi tool.ps1
  $ lockstep fileinfo --os-root /mnt/win --catroot /mnt/win/Windows/System32/CatRoot /mnt/win/Windows/System32/notepad.exe
  $ lockstep fileinfo --os-root /mnt/win "/mnt/win/Program Files/7-Zip/7z.exe"
      Path      : %PROGRAMFILES%\\7-ZIP\\7Z.EXE
      Publisher : O=…\\7-ZIP\\7Z.EXE,19.0.0.0
      Hash      : SHA256 0x…
      AppX      : False
  $ lockstep fileinfo --json app.msix | jq '.[0].Publisher'
Exit: 0 all files identified without errors, 1 a file could not be read or identified, or an error was reported.`)
    .action(async (paths: string[], o: { osRoot?: string; json?: boolean; catroot?: string }) => {
      const root = o.osRoot ? realpathSync(o.osRoot) : undefined;
      const catalogs = o.catroot ? await loadCatroot(o.catroot) : undefined;
      const results: Record<string, unknown>[] = [];
      let failed = false;
      for (const p of paths) {
        let bytes: Uint8Array;
        try {
          // Regular files only (a FIFO would block, /dev/zero never end), at most 2 GiB − 1.
          bytes = readInputFile(p, { maxBytes: MAX_READ_BYTES });
        } catch (e) {
          if (!(e instanceof InputFileError)) throw e;
          failed = true;
          // stderr always, so a script that reads only stdout's JSON still sees the failure
          if (o.json) results.push({ path: p, error: { reason: e.errno ?? e.diagnostic.code, code: e.diagnostic.code, message: e.diagnostic.message } });
          reportDiagnostics([e.diagnostic]);
          continue;
        }
        const abs = resolve(p);
        let real = abs;
        try {
          real = realpathSync(abs);
        } catch {
          // keep the resolved path: realpath can only fail here for a file removed since it was read
        }
        const windowsPath = root ? windowsPathUnder(real, root) : undefined;
        const r = await identifyFile({ path: p, bytes, ...(windowsPath !== undefined ? { windowsPath } : {}), ...(catalogs ? { catalogs } : {}) });
        if (!r.ok) {
          failed = true;
          if (o.json) results.push({ path: p, diagnostics: diagnosticsJson(r.diagnostics) });
          reportDiagnostics(r.diagnostics, p);
          continue;
        }
        // An error printed is a failure: the exit code must say so (issue 12: it was 0).
        if (hasErrors(r.diagnostics)) failed = true;
        if (o.json) results.push({ ...fileIdentityJson(p, r.value), diagnostics: diagnosticsJson(r.diagnostics) });
        else {
          reportDiagnostics(r.diagnostics.filter((d) => d.severity !== 'info'), p);
          const v = r.value;
          out(
            [
              `Path      : ${v.displayPath}`,
              `Publisher : ${v.displayPublisher}`,
              `Hash      : ${v.displayHash}`,
              `AppX      : ${v.info.isPackagedApp ? 'True' : 'False'}`,
              `Type      : ${v.kind}${v.collection ? ` (${v.collection})` : ''}, signature ${v.signature}${v.catalog?.publisherName ? ` (signed by catalog ${v.catalog.catalog})` : ''}${v.reasons.length ? ': ' + v.reasons.join('; ') : ''}`,
              '',
              '',
            ].join('\n'),
          );
        }
      }
      if (o.json) outJson(results);
      if (failed) throw new CliExit(ExitCode.ToolFailure);
    });
}
