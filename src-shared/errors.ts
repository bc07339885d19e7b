export const ERROR_CODES = [
  'VALIDATION',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'LIMIT_REACHED',
  'INVALID_TRANSITION',
  'LOCKED',
  'PASSWORD_CHANGE_REQUIRED',
  'REAUTH_REQUIRED',
  /** A code from the authenticator app is due: after a right password, or (mustEnrollSecondFactor) one must be set up. */
  'SECOND_FACTOR_REQUIRED',
  /** A write while an administrator views the console as another user (auth.viewAs): nothing is changed. */
  'READ_ONLY_VIEW',
  'UNAVAILABLE',
  /** A tenant under an operation (or put in maintenance by an administrator): its message holds the reason. */
  'MAINTENANCE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Field name -> what is wrong with it, for forms to show next to the field. */
export type FieldErrors = Record<string, string>;

export interface AppErrorShape {
  code: ErrorCode;
  message: string;
  fields?: FieldErrors;
}

/**
 * The only error type a service throws on purpose. Its message is written for
 * the operator; anything else that escapes a service is reported as INTERNAL.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldErrors | undefined;

  constructor(code: ErrorCode, message: string, fields?: FieldErrors) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.fields = fields;
  }

  toShape(): AppErrorShape {
    return this.fields
      ? { code: this.code, message: this.message, fields: this.fields }
      : { code: this.code, message: this.message };
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
