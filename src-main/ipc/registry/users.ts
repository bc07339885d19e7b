import { endSessionsOf } from '../../identity/own-sessions.ts';
import { userDto } from '../../services/dto-mapping.ts';
import {
  confirmUser,
  createUser,
  deleteUser,
  listUsers,
  setPassword,
  updateUser,
} from '../../services/users.ts';
import { declare } from './define.ts';

export const userChannels = declare({
  'users.list': { access: 'readUsers', scope: 'read', run: listUsers },
  'users.get': {
    access: 'readUsers',
    scope: 'read',
    load: 'user',
    run: async (_w, _input, user) => userDto(user),
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
        await confirmUser(w, user);
        return {};
      },
      whenRefused: {},
    },
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
});
