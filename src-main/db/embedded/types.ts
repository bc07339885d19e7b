import type { PostgresBinaries } from './binaries.ts';

export interface EmbeddedServer {
  /** The app's connection: its least-privilege role, its database. */
  url: string;
  /** The bootstrap superuser's connection (tests make scratch databases with it). */
  adminUrl: string;
  /** True when this process started the server and must stop it. */
  owned: boolean;
  stop(): Promise<void>;
}

export type EmbeddedLog = (message: string) => void;

export interface EmbeddedOptions {
  /** The binaries to run; the shipped ones by default (tests place them elsewhere). */
  binaries?: PostgresBinaries;
  /** Where unreachable binaries are copied to (tests use a folder of their own). */
  runtimeRoot?: string;
  /**
   * Where prepared empty clusters are kept (template.ts); by default
   * templatesRoot() for the shipped binaries and none for others, null for none.
   */
  templates?: string | null;
  /** Where clusters outside their data directory live; clustersRoot() by default. */
  clustersRoot?: string;
}
