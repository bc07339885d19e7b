import type { Channel, ChannelInput, ChannelOutput, Result } from '../../src-shared/contract.ts';
import type { ErrorCode, FieldErrors } from '../../src-shared/errors.ts';

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

/** The typed client: every screen reaches main through this one function. */
export async function call<C extends Channel>(
  channel: C,
  input: ChannelInput<C>,
): Promise<ChannelOutput<C>> {
  let result: Result<ChannelOutput<C>>;
  try {
    result = (await window.fleet.invoke(channel, input)) as Result<ChannelOutput<C>>;
  } catch {
    throw new ApiError({
      code: 'UNAVAILABLE',
      message: 'The console cannot reach its main process',
    });
  }
  if (!result.ok) throw new ApiError(result.error);
  return result.data;
}
