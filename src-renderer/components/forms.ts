import { zod4Resolver } from 'mantine-form-zod-resolver';
import { ApiError } from '../api/client.ts';

/**
 * Runs a write from a form: the server's field errors land on their fields.
 * Returns the write's answer wrapped, or null when it failed (other errors
 * are notified by the write hook): many writes answer null themselves.
 */
export async function submitWith<R>(
  form: { setErrors: (errors: Record<string, string>) => void },
  write: () => Promise<R>,
): Promise<{ value: R } | null> {
  try {
    return { value: await write() };
  } catch (error) {
    showFieldErrors(form)(error);
    return null;
  }
}

/**
 * A refusal's word on one field, as a sentence under that field. The server
 * says it as what follows the field's name ("is required", "must be at most
 * 365"), so that a list can name the field first; under the field itself
 * that fragment becomes "This field is required." Sentences stay as they are.
 */
export function fieldSentence(said: string): string;
export function fieldSentence(said: string | undefined): string | undefined;
export function fieldSentence(said: string | undefined): string | undefined {
  if (!said) return said;
  const whole = /^[a-z]/.test(said) ? `This field ${said}` : said;
  return /[.!?]$/.test(whole) ? whole : `${whole}.`;
}

/** A form's own check by the contract's schema, each field's words under it as a sentence (fieldSentence). */
export function sentenceResolver(schema: Parameters<typeof zod4Resolver>[0]) {
  const resolve = zod4Resolver(schema);
  return (values: Record<string, unknown>): ReturnType<ReturnType<typeof zod4Resolver>> =>
    Object.fromEntries(
      Object.entries(resolve(values)).map(([field, said]) => [
        field,
        typeof said === 'string' ? fieldSentence(said) : said,
      ]),
    );
}

/** Puts a refusal's field errors on the form's fields (the write hook notified the rest). */
export const showFieldErrors =
  (form: { setErrors: (errors: Record<string, string>) => void }) => (error: unknown) => {
    if (error instanceof ApiError && error.fields)
      form.setErrors(
        Object.fromEntries(
          Object.entries(error.fields).map(([field, said]) => [field, fieldSentence(said)]),
        ),
      );
  };

/** One way to write a moment on every screen: "5 Dec 2026, 21:04:09", in the operator's time zone. */
const MOMENT = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
export const formatDate = (iso: string | null) => (iso ? MOMENT.format(new Date(iso)) : '—');
/** The same way in dayjs' tokens, for the date pickers' display of what they hold. */
export const MOMENT_FORMAT = 'D MMM YYYY, HH:mm:ss';
export const formatNumber = (n: number) => n.toLocaleString('en-US');
