import type {
  Channel,
  ChannelOutput,
  ParsedInput,
  SessionUser,
} from '../../src-shared/contract.ts';
import { AppError } from '../../src-shared/errors.ts';
import * as agentSkills from '../services/agent-skills.ts';
import * as agentTransfer from '../services/agent-transfer.ts';
import * as agents from '../services/agents.ts';
import { listAudit } from '../services/audit-log.ts';
import * as auth from '../services/auth.ts';
import type { ServiceContext } from '../services/context.ts';
import { exportCsv } from '../services/csv-export.ts';
import { loadDemoData } from '../services/demo-data.ts';
import * as organizations from '../services/organizations.ts';
import * as skills from '../services/skills.ts';
import * as tenancy from '../services/tenancy.ts';
import * as settings from '../services/settings.ts';
import * as users from '../services/users.ts';
import type { SessionSlot } from './session-slot.ts';
import type { ProgressEvent } from '../../src-shared/channels.ts';

/** What a handler gets besides the service context: the caller's session slot, for auth. */
export interface CallContext {
  slot: SessionSlot;
  /** The signed-in user the router resolved for this call, or null. */
  user: SessionUser | null;
  signedIn(result: auth.SignInResult): void;
  signOut(): void;
  emit(event: ProgressEvent): void;
  environment: settings.Environment;
}

type Handler<C extends Channel> = (
  ctx: ServiceContext,
  input: ParsedInput<C>,
  call: CallContext,
) => Promise<ChannelOutput<C>>;

/** One handler per channel; a channel missing here is a compile error. */
export type Handlers = { [C in Channel]: Handler<C> };

export const handlers: Handlers = {
  'auth.signIn': async (ctx, input, call) => {
    const result = await auth.signIn(ctx, input);
    call.signedIn(result);
    return result.user;
  },
  'auth.signOut': async (_ctx, _input, call) => {
    call.signOut();
    return null;
  },
  'auth.me': async (_ctx, _input, call) => call.user,
  'auth.firstRun': (ctx) => auth.isFirstRun(ctx),
  'auth.createFirstAdmin': async (ctx, input, call) => {
    const result = await auth.createFirstAdmin(ctx, input);
    call.signedIn(result);
    return result.user;
  },
  'auth.changePassword': async (ctx, input, call) => {
    await auth.changePassword(ctx, input);
    // setting a password ends every session of the user; the one that did it continues
    const again = ctx.actor.kind === 'user' ? await auth.sessionUser(ctx.em, ctx.actor.id) : null;
    if (!again) throw new AppError('UNAUTHENTICATED', 'Sign in again');
    call.signedIn(again);
    return null;
  },

  'organizations.list': organizations.listOrganizations,
  'organizations.get': organizations.getOrganization,
  'organizations.create': organizations.createOrganization,
  'organizations.update': organizations.updateOrganization,
  'organizations.changeTier': organizations.changeTier,
  'organizations.delete': organizations.deleteOrganization,

  'users.list': users.listUsers,
  'users.get': users.getUser,
  'users.create': users.createUser,
  'users.update': users.updateUser,
  'users.confirm': users.confirmUser,
  'users.confirmMany': users.confirmMany,
  'users.setPassword': users.setPassword,
  'users.delete': users.deleteUser,

  'agents.list': agents.listAgents,
  'agents.get': agents.getAgent,
  'agents.create': agents.createAgent,
  'agents.update': agents.updateAgent,
  'agents.transition': agents.transitionAgent,
  'agents.transitionMany': agents.transitionMany,
  'agents.history': agents.agentHistory,
  'agents.delete': agents.deleteAgent,
  'agents.attachSkill': agentSkills.attachSkill,
  'agents.detachSkill': agentSkills.detachSkill,
  'agents.reorderSkills': agentSkills.reorderSkills,
  'agents.effectivePrompt': agentSkills.agentSkills,
  'agents.export': agentTransfer.exportAgents,
  'agents.import': agentTransfer.importAgents,

  'skills.list': skills.listSkills,
  'skills.get': skills.getSkill,
  'skills.create': skills.createSkill,
  'skills.update': skills.updateSkill,
  'skills.delete': skills.deleteSkill,

  'tenancy.status': (ctx) => tenancy.tenancyStatus(ctx),
  'tenancy.migrateAll': (ctx, _input, call) =>
    tenancy.migrateAll(ctx, (p) => call.emit({ type: 'migration-progress', ...p })),

  'audit.list': listAudit,

  'settings.get': (ctx, _input, call) => settings.getSettings(ctx, call.environment),
  'settings.testDatabase': settings.testDatabase,
  'settings.saveDatabase': (ctx, input, call) =>
    settings.saveDatabase(ctx, call.environment, input),

  'csv.export': (ctx, input, call) => exportCsv(ctx, input, call.slot.files),
  'demo.load': (ctx) => loadDemoData(ctx),
};
