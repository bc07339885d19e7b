import {
  DriverException,
  OptimisticLockError,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';
import { AppError } from '../../src-shared/errors.ts';
import { messageWithUrlMasked } from '../db/connection-string.ts';

/** Constraint name -> the field it guards, for CONFLICT messages that name the field. */
const UNIQUE_FIELDS: Record<string, string> = {
  organizations_slug_unique: 'slug',
  users_email_unique: 'email',
  skills_slug_unique: 'slug',
};

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  '57P01',
  '57P02',
  '57P03',
]);
// 'not currently accepting connections' (SQLSTATE 55000, shared with unrelated states):
// the database was closed to new connections, as before it is dropped or moved
const CONNECTION_MESSAGES =
  /Connection terminated|connection error|terminating connection|timeout exceeded when trying to connect|the database system is (starting up|shutting down|in recovery mode)|is not currently accepting connections/i;

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function constraintOf(error: Error): string | undefined {
  const cause = error as Error & { constraint?: string; cause?: { constraint?: string } };
  return cause.constraint ?? cause.cause?.constraint;
}

/** The server went away, refused, or dropped the connection: the call may succeed when retried. */
export function isConnectionFailure(error: unknown): boolean {
  const code = codeOf(error);
  if (code && (CONNECTION_CODES.has(code) || code.startsWith('08'))) return true;
  if ((error as { name?: unknown } | null)?.name === 'ConnectionException') return true;
  return error instanceof Error && CONNECTION_MESSAGES.test(error.message);
}

export interface ErrorContext {
  /** The tenant schema the work ran in, to name it when its tables are missing. */
  schema?: string;
}

/**
 * The database failures that mean something to the operator, as AppErrors;
 * null for anything else (the router reports those as INTERNAL).
 */
export function appErrorOf(error: unknown, context: ErrorContext = {}): AppError | null {
  if (error instanceof AppError) return error;
  if (error instanceof UniqueConstraintViolationException) {
    const field = UNIQUE_FIELDS[constraintOf(error) ?? ''] ?? 'value';
    return new AppError('CONFLICT', `That ${field} is already taken`, {
      [field]: 'is already taken',
    });
  }
  if (error instanceof OptimisticLockError) {
    return new AppError('CONFLICT', 'Someone else changed this record; reload it and try again');
  }
  if (isConnectionFailure(error)) {
    return new AppError(
      'UNAVAILABLE',
      'The database is not reachable right now; try again in a moment',
    );
  }
  const code = codeOf(error);
  if (
    error instanceof DriverException &&
    (code === '42P01' || code === '3F000') &&
    context.schema
  ) {
    return new AppError(
      'UNAVAILABLE',
      `The tenant schema ${context.schema} is damaged (a table or the schema is missing); see Tenancy and migrate it`,
    );
  }
  return null;
}

export async function withDbErrors<T>(
  work: () => Promise<T>,
  context: ErrorContext = {},
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw appErrorOf(error, context) ?? error;
  }
}

/** The host (and port, when the URL names one) of a database URL; '' when it cannot be read. */
function serverOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

/**
 * Why connecting to the server at `url` failed, in an operator's words for
 * the failures an operator can act on ("connect ECONNREFUSED ::1:5999" says
 * what the driver saw, not what to check); the driver's message, masked, for
 * the rest. The password never appears.
 */
export function connectionFailureInWords(error: unknown, url: string): string {
  const server = serverOf(url) || 'that address';
  switch (codeOf(error)) {
    case 'ECONNREFUSED':
      return `nothing answers at ${server}; check that the server runs there and takes connections`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `no server named ${server.replace(/:\d+$/, '')} was found; check the host name`;
    case 'ETIMEDOUT':
      return `${server} did not answer in time`;
    case '28P01':
    case '28000':
      return 'the server refused that user name and password';
    case '3D000':
      return 'the server has no database of that name';
  }
  return messageWithUrlMasked(error, url) || 'the server gave no reason';
}
