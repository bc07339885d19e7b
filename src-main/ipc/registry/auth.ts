import {
  endOtherOwnSessions,
  endOwnSession,
  listOwnSessions,
} from '../../identity/own-sessions.ts';
import {
  confirmSecondFactor,
  disableSecondFactor,
  enrollSecondFactor,
  verifySecondFactor,
} from '../../identity/second-factor.ts';
import { changePassword, createFirstAdmin, isFirstRun, signIn } from '../../identity/sign-in.ts';
import { reauthenticate } from '../../identity/step-up.ts';
import { endViewAs, viewAs } from '../../identity/view-as.ts';
import type { Work } from '../../services/work.ts';
import { declare } from './define.ts';

/** Signing in and out, first run, one's own password, second factor and sessions, viewing as another user. */
export const authChannels = declare({
  'auth.signIn': { access: 'public', scope: 'none', run: signIn },
  'auth.signOut': {
    access: 'public',
    scope: 'none',
    beforePasswordChange: true,
    beforeSecondFactor: 'code',
    run: async (w: Work) => {
      await w.caller.signOut();
      return null;
    },
  },
  'auth.me': {
    access: 'public',
    scope: 'none',
    beforePasswordChange: true,
    run: async (w: Work) =>
      w.caller.user && { ...w.caller.user, viewingAs: w.caller.viewingAs?.user ?? null },
  },
  'auth.firstRun': { access: 'public', scope: 'read', run: (w: Work) => isFirstRun(w.em) },
  'auth.createFirstAdmin': { access: 'public', scope: 'write', run: createFirstAdmin },
  'auth.changePassword': {
    access: 'signedIn',
    scope: 'write',
    audit: 'user',
    beforePasswordChange: true,
    run: changePassword,
  },
  'auth.reauthenticate': { access: 'signedIn', scope: 'none', run: reauthenticate },
  'auth.enrollSecondFactor': {
    access: 'signedIn',
    scope: 'write',
    beforeSecondFactor: 'enrollment',
    // a stolen session must not tie the account to the thief's phone (right after signing in, it
    // asks nothing)
    stepUp: true,
    run: enrollSecondFactor,
  },
  'auth.confirmSecondFactor': {
    access: 'signedIn',
    scope: 'write',
    audit: 'user',
    beforeSecondFactor: 'enrollment',
    run: confirmSecondFactor,
  },
  'auth.verifySecondFactor': {
    access: 'signedIn',
    scope: 'none',
    beforeSecondFactor: 'code',
    run: verifySecondFactor,
  },
  'auth.disableSecondFactor': {
    access: 'signedIn',
    scope: 'write',
    audit: 'user',
    // one stolen session must not turn the second factor off with it
    stepUp: true,
    run: disableSecondFactor,
  },
  'auth.viewAs': {
    access: 'manageUsers',
    scope: 'write',
    audit: 'user',
    load: 'user',
    loadId: (input) => input.userId,
    run: viewAs,
  },
  'auth.endViewAs': { access: 'signedIn', scope: 'write', whileViewingAs: true, run: endViewAs },
  'sessions.list': { access: 'signedIn', scope: 'read', run: listOwnSessions },
  'sessions.end': { access: 'signedIn', scope: 'write', audit: 'user', run: endOwnSession },
  'sessions.endOthers': {
    access: 'signedIn',
    scope: 'write',
    audit: 'user',
    run: endOtherOwnSessions,
  },
});
