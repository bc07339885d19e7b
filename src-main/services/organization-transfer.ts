import { mkdtempSync } from 'node:fs';
import { appendFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MAX_IMPORT_BYTES,
  type OrganizationExportResult,
  type OrganizationImportResult,
  type ParsedInput,
} from '../../src-shared/contract.ts';
import { AppError } from '../../src-shared/errors.ts';
import type { Organization } from '../db/entities/index.ts';
import { DamagedTenantArchiveError } from '../db/transfer/tenant-archive.ts';
import { exportTenant, TenantNotFoundError } from '../db/transfer/tenant-export.ts';
import { importTenant, TenantImportError } from '../db/transfer/tenant-import.ts';
import { created } from './audit.ts';
import type { RuntimeServices, Work } from './work.ts';

/*
 * Organizations → "Export organization…" and "Import organization…": one
 * tenant's archive (db/transfer/tenant-*.ts) written through the window's
 * file target, and read from chunks the page sends in order (a call's body
 * is bounded), kept in a private temporary file until `finish` imports it.
 */

/** One import at a time per console: each holds a transaction over the organization's tables. */
const ONE_AT_A_TIME = 'organization-import';
/** An upload untouched this long is dropped with its file. */
const UPLOAD_IDLE_MS = 15 * 60_000;
/** Uploads one console keeps at once, whoever sends them. */
const MAX_UPLOADS = 4;

interface Upload {
  actorId: string;
  file: string;
  folder: string;
  chunks: number;
  bytes: number;
  touched: number;
  /** The chunks' writes, one after another in their order. */
  written: Promise<void>;
}

/** Each console's uploads under way (keyed by its runtime, gone with it). */
const uploadsOf = new WeakMap<RuntimeServices, Map<string, Upload>>();

function uploads(w: Work): Map<string, Upload> {
  let found = uploadsOf.get(w.runtime);
  if (!found) uploadsOf.set(w.runtime, (found = new Map()));
  const now = Date.now();
  for (const [id, upload] of found)
    if (now - upload.touched > UPLOAD_IDLE_MS) void drop(found, id, upload);
  return found;
}

async function drop(all: Map<string, Upload>, id: string, upload: Upload): Promise<void> {
  all.delete(id);
  await rm(upload.folder, { recursive: true, force: true });
}

const actorIdOf = (w: Work): string => (w.actor.kind === 'user' ? w.actor.id : w.actor.kind);

/** Writes the organization's archive where the window saves files (a save dialog, or a download). */
export async function exportOrganization(
  w: Work,
  _input: ParsedInput<'organizations.export'>,
  organization: Organization,
): Promise<OrganizationExportResult> {
  const target = w.caller.files;
  if (!target) throw new AppError('UNAVAILABLE', 'This window cannot save files');
  const { slug } = organization;
  w.audit({ targetId: null, organizationId: organization.id, changes: created({ slug }) });
  let written = { sections: 0, rows: 0 };
  const date = new Date().toISOString().slice(0, 10);
  try {
    const file = await target.save(`organization-${slug}-${date}.fptenant`, async (out) => {
      written = await exportTenant(w.runtime.environment.databaseUrl, slug, out, {
        app: w.runtime.environment.appVersion,
      });
    });
    const report = { tables: written.sections, rows: written.rows, file };
    if (file)
      w.audit({
        targetId: file.path ?? file.name,
        organizationId: organization.id,
        changes: created({ tables: report.tables, rows: report.rows, bytes: file.bytes }),
      });
    return report;
  } catch (error) {
    // deleted between the check of access and the snapshot
    if (error instanceof TenantNotFoundError)
      throw new AppError('NOT_FOUND', 'Organization not found');
    throw error;
  }
}

/** Takes the next chunk of an archive, or imports the whole of it. */
export async function importOrganization(
  w: Work,
  input: ParsedInput<'organizations.import'>,
): Promise<OrganizationImportResult> {
  const all = uploads(w);
  const actorId = actorIdOf(w);
  if (input.step === 'chunk') {
    // a chunk is not an import: only the finish (and any refused chunk before it) is recorded
    w.audit({ targetId: null, withheld: true });
    return receiveChunk(all, input, actorId);
  }
  const upload = all.get(input.upload);
  if (!upload || upload.actorId !== actorId)
    throw new AppError('NOT_FOUND', 'No such upload: send the archive again');
  w.audit({ targetId: null, changes: created({ bytes: upload.bytes, as: input.as ?? null }) });
  try {
    if (input.chunks !== upload.chunks)
      throw new AppError(
        'VALIDATION',
        `${upload.chunks} parts of the archive arrived, not the ${input.chunks} it was sent in: send it again`,
      );
    await upload.written;
    const report = await w.runtime.serially(ONE_AT_A_TIME, () =>
      importTenant(upload.file, w.runtime.environment.databaseUrl, {
        ...(input.as ? { as: input.as } : {}),
        em: w.runtime.root,
      }),
    );
    const { organizationId, slug, name, clone, users, agents, tables, rows } = report;
    w.audit({
      targetId: organizationId,
      organizationId,
      changes: created({ slug, clone, users, agents, tables, rows }),
    });
    return {
      received: upload.bytes,
      imported: { organizationId, slug, name, clone, users, agents, tables, rows },
    };
  } catch (error) {
    if (error instanceof DamagedTenantArchiveError)
      throw new AppError('VALIDATION', error.message, { file: 'is not a complete archive' });
    if (error instanceof TenantImportError) throw new AppError('CONFLICT', error.message);
    throw error;
  } finally {
    await drop(all, input.upload, upload);
  }
}

async function receiveChunk(
  all: Map<string, Upload>,
  input: Extract<ParsedInput<'organizations.import'>, { step: 'chunk' }>,
  actorId: string,
): Promise<OrganizationImportResult> {
  const data = Buffer.from(input.data, 'base64');
  // checked and counted with no await in between: chunks sent at once are taken in order, once each
  let upload = all.get(input.upload);
  if (input.index === 0) {
    if (upload) throw new AppError('CONFLICT', 'That upload has begun already');
    if (all.size >= MAX_UPLOADS)
      throw new AppError('UNAVAILABLE', 'Other imports are being sent: try again in a moment');
    const folder = mkdtempSync(join(tmpdir(), 'fleetprompt-import-'));
    upload = {
      actorId,
      folder,
      file: join(folder, 'archive'),
      chunks: 0,
      bytes: 0,
      touched: 0,
      written: Promise.resolve(),
    };
    all.set(input.upload, upload);
  }
  if (!upload || upload.actorId !== actorId)
    throw new AppError('NOT_FOUND', 'No such upload: send the archive again');
  if (input.index !== upload.chunks)
    throw new AppError(
      'CONFLICT',
      `Part ${upload.chunks + 1} of the archive was expected, not part ${input.index + 1}: send the archive again`,
    );
  if (upload.bytes + data.length > MAX_IMPORT_BYTES) {
    await drop(all, input.upload, upload);
    throw new AppError('VALIDATION', 'The archive is larger than the 1 GiB the console takes', {
      file: 'is too large',
    });
  }
  upload.chunks += 1;
  upload.bytes += data.length;
  upload.touched = Date.now();
  const file = upload.file;
  upload.written = upload.written.then(() => appendFile(file, data, { mode: 0o600 }));
  await upload.written;
  return { received: upload.bytes, imported: null };
}
