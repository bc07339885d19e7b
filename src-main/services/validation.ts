import type { z } from 'zod';
import { invalidInputMessage } from '../../src-shared/domain/input-messages.ts';
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

/** A refused input: its fields by path (forms put each message by its field), its message in words. */
export function validationError(fields: FieldErrors): AppError {
  return new AppError('VALIDATION', invalidInputMessage(fields), fields);
}

/** Parses with a zod schema, turning its issues into a VALIDATION error with the fields named. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(fieldErrorsOf(result.error));
  return result.data;
}
