import type { Channel, ChannelInput, ChannelOutput, Result } from '../../src-shared/contract.ts';
import type { ErrorCode, FieldErrors } from '../../src-shared/errors.ts';
import { reauthenticate } from '../auth/reauthentication.ts';

/** A refused or failed call, as the main process described it. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldErrors | undefined;
  constructor(error: { code: ErrorCode; message: string; fields?: FieldErrors }) {
    super(error.message);
    this.name = 'ApiError';
    this.code = error.code;
    this.fields = error.fields;
  }
}

async function invoke<C extends Channel>(
  channel: C,
  input: ChannelInput<C>,
): Promise<Result<ChannelOutput<C>>> {
  try {
    return (await window.fleet.invoke(channel, input)) as Result<ChannelOutput<C>>;
  } catch {
    throw new ApiError({
      code: 'UNAVAILABLE',
      message: 'The console cannot reach its main process',
    });
  }
}

/**
 * The typed client: every screen reaches main through this one function.
 * A call that needs the password entered again (REAUTH_REQUIRED) asks for
 * it in place and is made once more; cancelled, it fails as refused.
 */
export async function call<C extends Channel>(
  channel: C,
  input: ChannelInput<C>,
): Promise<ChannelOutput<C>> {
  let result = await invoke(channel, input);
  if (!result.ok && result.error.code === 'REAUTH_REQUIRED') {
    if (await reauthenticate(result.error.message)) result = await invoke(channel, input);
  }
  if (!result.ok) throw new ApiError(result.error);
  return result.data;
}
