import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient, type UseQueryOptions } from '@tanstack/react-query';
import type { Channel, ChannelInput, ChannelOutput } from '../../src-shared/contract.ts';
import type { ErrorCode } from '../../src-shared/errors.ts';
import type { ApiError } from './client.ts';
import { call } from './client.ts';
import { notifyRefusal } from './notify-refusal.ts';

/** A read: cached by channel and input, refetched when a write invalidates its resource. */
export function useChannel<C extends Channel>(
  channel: C,
  input: ChannelInput<C>,
  options: Omit<UseQueryOptions<ChannelOutput<C>, ApiError>, 'queryKey' | 'queryFn'> = {},
) {
  return useQuery<ChannelOutput<C>, ApiError>({
    queryKey: [channel.split('.')[0], channel, input],
    queryFn: () => call(channel, input),
    ...options,
  });
}

/**
 * A write: on success it notifies, and invalidates the reads of the
 * resources named (by default the channel's own, e.g. "agents").
 */
export function useWrite<C extends Channel>(
  channel: C,
  options: {
    success?: (data: ChannelOutput<C>) => string;
    invalidates?: string[];
    /** False where the screen shows the refusal in place instead of a notification. */
    notifyErrors?: boolean;
    /** Refusals the screen shows in place (a save's CONFLICT), whatever notifyErrors says of others. */
    inPlace?: readonly ErrorCode[];
  } = {},
) {
  const client = useQueryClient();
  return useMutation<ChannelOutput<C>, ApiError, ChannelInput<C>>({
    mutationFn: (input) => call(channel, input),
    onSuccess: async (data) => {
      const resources = options.invalidates ?? [channel.split('.')[0] ?? channel];
      await Promise.all(
        resources.map((resource) => client.invalidateQueries({ queryKey: [resource] })),
      );
      const message = options.success?.(data);
      if (message) notifications.show({ color: 'teal', message });
    },
    onError: (error) => {
      if (options.notifyErrors === false || options.inPlace?.includes(error.code)) return;
      if (!error.fields) notifyRefusal(error);
    },
  });
}
