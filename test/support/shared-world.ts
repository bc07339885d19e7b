/*
 * The world a group of tests reads (a copy made, an organization imported,
 * an archive exported), made by the first test that asks for it and shared
 * by the others, so that npm test makes it once.
 *
 * A mutation run asks for a world per test instead
 * (FLEETPROMPT_WORLD_PER_TEST, set by test/mutation/vitest-project.ts).
 * StrykerJS attributes a mutant to the tests during which its code ran: a
 * world made in a beforeAll, or once by whichever test comes first, is
 * attributed to no test or to that one only, and Stryker then runs every
 * file of the set for such a mutant, or too few tests. Made inside each
 * test, the world's code is attributed to every test that reads it, and a
 * mutant runs only those, each seeing the world made with the mutant.
 *
 * The world is made inside a test, never in a hook: one that fails fails
 * each test that reads it, not the file (a mutation run counts only failed
 * tests).
 */

const perTest = process.env.FLEETPROMPT_WORLD_PER_TEST === '1';

/** `make`, run once and its answer (or failure) shared; once per call in a mutation run. */
export function sharedWorld<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    if (perTest) return make();
    made ??= make();
    return made;
  };
}
