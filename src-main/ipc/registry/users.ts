import { endSessionsOf } from '../../identity/own-sessions.ts';
import { resetSecondFactor } from '../../identity/second-factor.ts';
import {
  confirmUser,
  createUser,
  deleteUser,
  listUsers,
  setPassword,
  unlockUser,
  updateUser,
  userView,
} from '../../services/users.ts';
import { declare } from './define.ts';

export const userChannels = declare({
  'users.list': { access: 'readUsers', scope: 'read', run: listUsers },
  'users.get': {
    access: 'readUsers',
    scope: 'read',
    load: 'user',
    run: (w, _input, user) => userView(w, user),
  },
  'users.create': {
    access: 'manageUsers',
    scope: 'write',
    audit: 'user',
    // a new administrator is one made: every tenant is theirs
    stepUp: (input) => input.role === 'admin',
    run: createUser,
  },
  'users.update': {
    // anyone may rename themself; emails and roles are the administrators'
    access: (input) =>
      input.email !== undefined || input.role !== undefined ? 'manageUsers' : 'editProfile',
    scope: 'write',
    audit: 'user',
    load: 'user',
    // making someone an administrator hands them every tenant
    stepUp: (input) => input.role === 'admin',
    run: updateUser,
  },
  'users.confirm': {
    access: 'manageUsers',
    scope: 'write',
    audit: 'user',
    load: 'user',
    run: (w, _input, user) => confirmUser(w, user),
  },
  'users.confirmMany': {
    access: 'manageUsers',
    scope: 'write',
    audit: 'user',
    load: 'user',
    bulk: {
      ids: (input) => input.ids,
      label: (user) => user.email,
      each: async (w, _input, user) => {
        // confirming a confirmed user changes nothing: the summary says so rather than "done"
        const alreadyConfirmed = user.confirmedAt != null;
        await confirmUser(w, user);
        return { alreadyConfirmed };
      },
      whenRefused: { alreadyConfirmed: false },
    },
  },
  'users.unlock': {
    access: 'manageUsers',
    scope: 'write',
    audit: 'user',
    load: 'user',
    run: (w, _input, user) => unlockUser(w, user),
  },
  'users.setPassword': {
    access: 'manageUsers',
    scope: 'write',
    audit: 'user',
    load: 'user',
    // one's own is refused by setPassword: step-up is for someone else's
    stepUp: (input, actor) => actor.kind !== 'user' || actor.id !== input.id,
    run: setPassword,
  },
  'users.delete': {
    access: 'manageUsers',
    scope: 'write',
    audit: 'user',
    load: 'user',
    run: (w, _input, user) => deleteUser(w, user),
  },
  'users.endSessions': {
    access: 'manageUsers',
    scope: 'write',
    audit: 'user',
    load: 'user',
    run: (w, _input, user) => endSessionsOf(w, user),
  },
  'users.resetSecondFactor': {
    access: 'manageUsers',
    scope: 'write',
    audit: 'user',
    load: 'user',
    run: (w, _input, user) => resetSecondFactor(w, user),
  },
});
