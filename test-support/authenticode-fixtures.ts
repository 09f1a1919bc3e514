/**
 * Self-made signed fixtures for the fileinfo tests, built at test time in a temp dir with Debian tools
 * (recipe: shared/design/stack.md §5): a mingw hello.exe with a VERSIONINFO resource (`--no-insert-timestamp`,
 * so the build is reproducible), a throw-away CA + code-signing certificate made with openssl, signatures by
 * osslsigncode, and osslsigncode's own `verify` output as the oracle. Tests skip with `fixtureSkipReason`
 * when a tool is absent (CI installs them in .ci/run). Nothing here is committed as a binary.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function has(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).status === 0;
}

export const tools = {
  gcc: has('x86_64-w64-mingw32-gcc'),
  windres: has('x86_64-w64-mingw32-windres'),
  openssl: has('openssl'),
  osslsigncode: has('osslsigncode'),
};
export const hasOsslsigncode = tools.osslsigncode;
/** osslsigncode signs PowerShell scripts from 2.9 on (stack.md §5: 2.9 can, Debian bookworm's 2.5 cannot). */
export const osslsigncodeVersion: number = (() => {
  if (!tools.osslsigncode) return 0;
  const m = /osslsigncode (\d+)\.(\d+)/.exec(spawnSync('osslsigncode', ['--version'], { encoding: 'utf8' }).stdout ?? '');
  return m ? Number(m[1]) + Number(m[2]) / 100 : 0;
})();
export const canSignScripts = osslsigncodeVersion >= 2.09;
export const hasFixtureTools = tools.gcc && tools.windres && tools.openssl && tools.osslsigncode;
export const fixtureSkipReason = `signed-fixture tests skipped: missing ${Object.entries(tools).filter(([, v]) => !v).map(([k]) => k).join(', ')} (apt: gcc-mingw-w64-x86-64 openssl osslsigncode)`;

/** The VERSIONINFO of the fixture (stack.md §5): what parsePe must read back. */
export const HELLO_VERSION = { fileVersion: '1.2.3.4', productVersion: '1.2.0.0', OriginalFilename: 'HELLO.EXE', ProductName: 'Lockstep Fixtures', CompanyName: 'Lockstep Test Corp' };
/** What AppLocker's PublisherName must be for the throw-away signer. */
export const HELLO_PUBLISHER = 'O=LOCKSTEP TEST CORP, L=REDMOND, S=WASHINGTON, C=US';

const VERSION_RC = `#include <winver.h>
VS_VERSION_INFO VERSIONINFO
 FILEVERSION 1,2,3,4
 PRODUCTVERSION 1,2,0,0
 FILEFLAGSMASK 0x3fL
 FILEFLAGS 0x0L
 FILEOS VOS_NT_WINDOWS32
 FILETYPE VFT_APP
 FILESUBTYPE 0x0L
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "040904b0"
    BEGIN
      VALUE "CompanyName", "Lockstep Test Corp"
      VALUE "FileDescription", "Lockstep fixture"
      VALUE "FileVersion", "1.2.3.4"
      VALUE "InternalName", "hello"
      VALUE "OriginalFilename", "HELLO.EXE"
      VALUE "ProductName", "Lockstep Fixtures"
      VALUE "ProductVersion", "1.2.0.0"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x409, 1200
  END
END
`;

export interface SignedFixtures {
  readonly dir: string;
  readonly caPem: string;
  /** Unsigned mingw build. */
  readonly helloExe: string;
  /** helloExe signed with SHA-256 by the throw-away signer. */
  readonly helloSigned: string;
  /** helloSigned with one byte of .text flipped after signing. */
  readonly helloTampered: string;
  /** Signs `input` (PE or .ps1) into `output` with the throw-away signer. */
  sign(input: string, output: string, hash?: 'sha1' | 'sha256'): void;
  /** Signs `input` adding a nested signature (`osslsigncode add`-style via -nest). */
  signNested(input: string, output: string): void;
}

let cached: SignedFixtures | undefined;

const run = (cmd: string, args: string[], cwd: string): void => {
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
};

/** Builds (once per test process) the CA, signer, hello.exe and its signed/tampered copies. */
export function signedFixtures(): SignedFixtures {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-authenticode-'));
  writeFileSync(join(dir, 'hello.c'), '#include <stdio.h>\nint main(void) { puts("hello from lockstep test fixture"); return 0; }\n');
  writeFileSync(join(dir, 'version.rc'), VERSION_RC);
  run('x86_64-w64-mingw32-windres', ['version.rc', '-O', 'coff', '-o', 'version.o'], dir);
  run('x86_64-w64-mingw32-gcc', ['-Os', '-s', '-Wl,--no-insert-timestamp', '-o', 'hello.exe', 'hello.c', 'version.o'], dir);
  run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3650',
    '-subj', '/C=US/O=Lockstep Test Root/CN=Lockstep Test Root CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'signer.key', '-out', 'signer.csr',
    '-subj', '/C=US/ST=Washington/L=Redmond/O=Lockstep Test Corp/CN=Lockstep Test Code Signing'], dir);
  writeFileSync(join(dir, 'signer.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n');
  run('openssl', ['x509', '-req', '-in', 'signer.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '3650', '-sha256', '-extfile', 'signer.ext', '-out', 'signer.pem'], dir);
  writeFileSync(join(dir, 'chain.pem'), readFileSync(join(dir, 'signer.pem'), 'utf8') + readFileSync(join(dir, 'ca.pem'), 'utf8'));
  const sign = (input: string, output: string, hash: 'sha1' | 'sha256' = 'sha256'): void =>
    run('osslsigncode', ['sign', '-certs', 'chain.pem', '-key', 'signer.key', '-h', hash, '-n', 'Lockstep fixture', '-in', input, '-out', output], dir);
  const signNested = (input: string, output: string): void =>
    run('osslsigncode', ['sign', '-nest', '-certs', 'chain.pem', '-key', 'signer.key', '-h', 'sha256', '-in', input, '-out', output], dir);
  const helloExe = join(dir, 'hello.exe');
  const helloSigned = join(dir, 'hello-signed.exe');
  sign(helloExe, helloSigned);
  const helloTampered = join(dir, 'hello-tampered.exe');
  copyFileSync(helloSigned, helloTampered);
  const t = readFileSync(helloTampered);
  // Flip one byte well inside the first section (past the headers) so only the image hash changes.
  t[0x600] = t[0x600]! ^ 0xff;
  writeFileSync(helloTampered, t);
  cached = { dir, caPem: join(dir, 'ca.pem'), helloExe, helloSigned, helloTampered, sign: (i, o, h) => sign(i, o, h), signNested };
  return cached;
}

/** Removes the throw-away keys and binaries; call from `afterAll` in every test file that builds fixtures. */
export function cleanupSignedFixtures(): void {
  if (cached) rmSync(cached.dir, { recursive: true, force: true });
  cached = undefined;
}

export interface OsslVerify {
  /** "Current message digest" per signature, in order (the digest the signer signed). */
  readonly current: string[];
  /** "Calculated message digest" per signature, in order (osslsigncode's own computation). */
  readonly calculated: string[];
  readonly output: string;
}

/** Runs `osslsigncode verify -in file` (offline; chain errors are expected) and reads its digests. */
export function osslsigncodeVerify(file: string, caFile?: string): OsslVerify {
  // -ignore-crl (2.9): no CRL download from the network during tests (liblzo2's timestamp chain names one).
  const noCrl = osslsigncodeVersion >= 2.09 ? ['-ignore-crl'] : [];
  const r = spawnSync('osslsigncode', ['verify', ...noCrl, '-in', file, ...(caFile ? ['-CAfile', caFile] : [])], { encoding: 'utf8', timeout: 30_000 });
  const output = `${r.stdout}\n${r.stderr}`;
  const grab = (label: string): string[] => [...output.matchAll(new RegExp(`^${label}\\s*:\\s*([0-9A-F]+)`, 'gm'))].map((m) => m[1]!);
  return { current: grab('Current message digest'), calculated: grab('Calculated message digest'), output };
}
