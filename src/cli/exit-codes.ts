/**
 * The exit codes of every `airlock` command, in a module of their own so the subcommands can
 * use them without importing the command table that loads them (no import cycle).
 *
 * @example
 * return findings.length ? EXIT.REJECT : EXIT.OK;
 */
/** Exit codes, the same for every command (documented in docs/cli.md and `airlock --help`). */
export const EXIT = {
  /** Done; the output may be released; the record or signature verified. */
  OK: 0,
  /** Rejected; tampering or a failed check found. */
  REJECT: 1,
  /** A usage or input error: nothing was checked. */
  USAGE: 2,
  /** The decision needs a person's review. */
  REVIEW: 3,
  /** The environment failed: store, key set or configuration unreachable or invalid. */
  ENVIRONMENT: 4,
} as const;
