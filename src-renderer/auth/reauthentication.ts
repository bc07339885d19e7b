/*
 * Step-up in place: a call answered REAUTH_REQUIRED asks the operator for
 * their password where they are (ReauthenticateModal, mounted once the
 * console is signed in) and is made again once it is entered. Calls that
 * meet the question together share one prompt.
 */

/** Shows the prompt; settles true once the password was entered, false when the operator cancels. */
export type ReauthPrompt = (reason: string) => Promise<boolean>;

let prompt: ReauthPrompt | null = null;
let pending: Promise<boolean> | null = null;

export function setReauthPrompt(next: ReauthPrompt | null): void {
  prompt = next;
}

/** Asks for the password again; false when nobody can ask (signed out) or the operator cancels. */
export function reauthenticate(reason: string): Promise<boolean> {
  if (!prompt) return Promise.resolve(false);
  pending ??= prompt(reason).finally(() => {
    pending = null;
  });
  return pending;
}
