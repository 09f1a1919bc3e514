/**
 * The Windows well-known SIDs AppLocker rules use (applocker.md §1.3, §3.4): the one table. It lives in the
 * policy room, the lowest that needs it, so policy lint and the engine's tokens (engine/principal.ts, which
 * re-exports it with the name table) read the same values.
 */

/** Windows well-known SIDs used by AppLocker rules (§1.3, §3.4). */
export const WELL_KNOWN_SIDS = {
  Everyone: 'S-1-1-0',
  CreatorOwner: 'S-1-3-0',
  Interactive: 'S-1-5-4',
  AuthenticatedUsers: 'S-1-5-11',
  LocalSystem: 'S-1-5-18',
  LocalService: 'S-1-5-19',
  NetworkService: 'S-1-5-20',
  Administrators: 'S-1-5-32-544',
  Users: 'S-1-5-32-545',
} as const;
