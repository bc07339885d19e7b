import type { z } from 'zod';
import { AppError, type FieldErrors } from '../../src-shared/errors.ts';

export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  // a Map, then fromEntries: a key such as "__proto__" stays a plain field name
  const fields = new Map<string, string>();
  const add = (path: PropertyKey[], message: string) => {
    const name = path.length > 0 ? path.map(String).join('.') : '(input)';
    if (!fields.has(name)) fields.set(name, message);
  };
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add([...issue.path, key], 'is not a known field');
    } else {
      add(issue.path, issue.message);
    }
  }
  return Object.fromEntries(fields);
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
