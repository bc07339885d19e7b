/** A start-up failure explained in one paragraph: what happened, why, what to do. */
export class EmbeddedStartError extends Error {
  constructor(what: string, why: string, todo: string, options?: ErrorOptions) {
    super(`${what} ${why} ${todo}`, options);
    this.name = 'EmbeddedStartError';
  }
}

/** The way out every start-up failure offers. */
export const USE_A_SERVER = 'Or set DATABASE_URL to a PostgreSQL 14+ server and start again.';
