/**
 * The account users and links belong to when the app has a single Zoom account (or does not care
 * which account an event came from): rows under `*` apply to events of every account. Rows under a
 * real `account_id` apply to that account's events only.
 */
export const DEFAULT_ACCOUNT = "*";

/** The accounts whose directory rows apply to events of `accountId`: itself and the default. */
export function accountsFor(accountId: string): string[] {
  return accountId === DEFAULT_ACCOUNT ? [DEFAULT_ACCOUNT] : [accountId, DEFAULT_ACCOUNT];
}
