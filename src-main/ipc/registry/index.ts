import type { Channel } from '../../../src-shared/contract.ts';
import { agentChannels } from './agents.ts';
import { authChannels } from './auth.ts';
import type { Registrations } from './define.ts';
import { organizationChannels } from './organizations.ts';
import { platformChannels } from './platform.ts';
import { skillChannels } from './skills.ts';
import { userChannels } from './users.ts';

/** Every channel's declaration; one missing (or one too many) does not compile. */
export const REGISTRY: Registrations = {
  ...authChannels,
  ...organizationChannels,
  ...userChannels,
  ...agentChannels,
  ...skillChannels,
  ...platformChannels,
};

/** Channels a caller may use before signing in. */
export const PUBLIC_CHANNELS: ReadonlySet<Channel> = new Set(
  (Object.keys(REGISTRY) as Channel[]).filter((channel) => REGISTRY[channel].access === 'public'),
);
