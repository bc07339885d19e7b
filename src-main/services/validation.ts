import type { z } from 'zod';
import { AppError, type FieldErrors } from '../../src-shared/errors.ts';

export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(input)';
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        fields[[...issue.path, key].join('.')] ??= 'is not a known field';
      continue;
    }
    fields[path] ??= issue.message;
  }
  return fields;
}

export function validationError(fields: FieldErrors): AppError {
  const summary = Object.entries(fields)
    .slice(0, 3)
    .map(([field, message]) => `${field} ${message}`)
    .join('; ');
  return new AppError('VALIDATION', `Invalid input: ${summary}`, fields);
}

/** Parses with a zod schema, turning its issues into a VALIDATION error with the fields named. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(fieldErrorsOf(result.error));
  return result.data;
}
