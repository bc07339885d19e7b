import { AppError } from '../../src-shared/errors.ts';
import { urlFromPageRefusal } from '../db/connection-string.ts';

/**
 * Refuses a database URL that came from the page and names a file, a socket
 * or server options, before anything connects with it: the driver would read
 * those files with a blocking read, on the loop every window shares.
 */
export function acceptUrlFromPage(url: string): void {
  const problem = urlFromPageRefusal(url);
  if (problem) throw new AppError('VALIDATION', `The database URL ${problem}`, { url: problem });
}
