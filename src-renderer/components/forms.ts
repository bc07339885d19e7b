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

/** Puts a refusal's field errors on the form's fields (the write hook notified the rest). */
export const showFieldErrors =
  (form: { setErrors: (errors: Record<string, string>) => void }) => (error: unknown) => {
    if (error instanceof ApiError && error.fields) form.setErrors(error.fields);
  };

export const formatDate = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');
export const formatNumber = (n: number) => n.toLocaleString('en-US');
