import { notifications } from '@mantine/notifications';
import { ApiError } from './client.ts';
import { refusalTitle } from './refusal-title.ts';

/**
 * A refusal, or any failure, as a notification: the one title for its
 * kind (or the screen's own, naming what was not done) over the message
 * from the main process, which says why and what to do.
 */
export function notifyRefusal(error: unknown, title?: string): void {
  notifications.show({
    color: 'red',
    title: title ?? refusalTitle(error instanceof ApiError ? error.code : 'INTERNAL'),
    message: error instanceof Error ? error.message : String(error),
  });
}
