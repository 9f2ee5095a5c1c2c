/**
 * Deployment packages on disk: `<root>/<function>/<sha256 hex>/`. A zip is extracted into a staging
 * directory and renamed into place, so a crash never leaves a half-written code dir that a later
 * invoke would run. Without a data dir the root is a temp dir removed at close.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceError } from '../../core/errors.js';

/** Extracts a zip into an empty destDir, rejecting unsafe entries (zip-slip, absolute, symlinks, oversize). */
export type ZipExtractor = (zip: Buffer, destDir: string) => Promise<unknown>;

export interface PackagedCode {
  codeSha256: string;
  codeKey: string;
  codeSize: number;
}

/** Lambda's limit for a zip uploaded directly in the request. */
export const MAX_ZIP_BYTES = 50 * 1024 * 1024;

export class CodeStore {
  private root: string | undefined;
  private readonly temporary: boolean;

  constructor(
    dataDir: string | undefined,
    private readonly extract: ZipExtractor,
    private readonly uniqueId: () => string,
  ) {
    this.temporary = !dataDir;
    this.root = dataDir ? join(dataDir, 'lambda') : undefined;
  }

  private baseReady = false;

  // Once per store: dirOf runs on every invoke, and a mkdir is a system call.
  private base(): string {
    this.root ??= mkdtempSync(join(tmpdir(), 'xray-lab-lambda-'));
    if (!this.baseReady) {
      mkdirSync(this.root, { recursive: true, mode: 0o700 });
      this.baseReady = true;
    }
    return this.root;
  }

  dirOf(functionName: string, codeKey: string): string {
    return join(this.base(), functionName, codeKey);
  }

  /** Decodes and unpacks an uploaded zip; the same bytes uploaded again reuse the existing directory. */
  async store(functionName: string, zipBase64: unknown): Promise<PackagedCode> {
    if (typeof zipBase64 !== 'string' || zipBase64 === '') {
      throw new ServiceError('InvalidParameterValueException', 'Code.ZipFile is required: upload the deployment package as a base64-encoded zip.', 400, { Type: 'User' });
    }
    const zip = Buffer.from(zipBase64, 'base64');
    if (zip.length > MAX_ZIP_BYTES) {
      throw new ServiceError('RequestTooLargeException', `Request must be smaller than ${MAX_ZIP_BYTES} bytes for the CreateFunction operation`, 413, { Type: 'User' });
    }
    const digest = createHash('sha256').update(zip).digest();
    const codeKey = digest.toString('hex');
    const dest = this.dirOf(functionName, codeKey);
    if (!existsSync(dest)) {
      const staging = join(this.base(), functionName, `.staging-${this.uniqueId()}`);
      mkdirSync(staging, { recursive: true, mode: 0o700 });
      try {
        await this.extract(zip, staging);
        writeFileSync(`${dest}.zip`, zip, { mode: 0o600 });
        renameSync(staging, dest);
      } catch (e) {
        rmSync(staging, { recursive: true, force: true });
        throw asUploadError(e);
      }
    }
    return { codeSha256: digest.toString('base64'), codeKey, codeSize: zip.length };
  }

  /** Removes every package of a function except `keep` (old code after an update, everything after delete). */
  prune(functionName: string, keep?: string): void {
    if (!this.root) return;
    const dir = join(this.root, functionName);
    if (!existsSync(dir)) return;
    if (!keep) {
      rmSync(dir, { recursive: true, force: true });
      return;
    }
    // Siblings of the kept code dir (its zip, the engine's prepared `.v8cache`) stay with it.
    for (const entry of readdirSync(dir)) if (entry !== keep && !entry.startsWith(`${keep}.`)) rmSync(join(dir, entry), { recursive: true, force: true });
  }

  /** The uploaded zip, kept next to its extracted tree so GetFunction's Code.Location can serve it. */
  readZip(functionName: string, codeKey: string): Buffer {
    const file = `${this.dirOf(functionName, codeKey)}.zip`;
    if (!existsSync(file)) throw new ServiceError('ResourceNotFoundException', 'The resource you requested does not exist.', 404, { Type: 'User' });
    return readFileSync(file);
  }

  close(): void {
    if (this.temporary && this.root) rmSync(this.root, { recursive: true, force: true });
    if (this.temporary) this.root = undefined;
  }
}

/** The extractor's typed failures carry `code`/`message`; AWS answers any unusable zip with this exception. */
function asUploadError(e: unknown): ServiceError {
  if (e instanceof ServiceError) return e;
  const message = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && ['UnsafeZipEntry', 'ZipTooLarge', 'InvalidZip', 'DestinationNotEmpty'].includes(code)) {
    return new ServiceError('InvalidParameterValueException', `Could not unzip uploaded file. Please check your file, then try to upload again. (${message})`, 400, { Type: 'User' });
  }
  throw e;
}
