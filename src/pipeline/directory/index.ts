/**
 * The directory: who the app's users are (users, links), how they are recognised (loadLinks for the
 * engine, registrant learning, manual links, re-resolution) and how attendance is read (per instance
 * with expected attendees and statuses, and the per-meeting roll-up).
 */
export { DEFAULT_ACCOUNT, accountsFor } from "./accounts.js";
export { type LinkSource, linkSources } from "./link-source.js";
export { upsertUser, findUser, findUserForAccount, listUsers, removeUser, type DirectoryUser, type UserUpsert } from "./users-repository.js";
export {
  addLink,
  listLinks,
  removeLink,
  replaceLinksFromSource,
  setManualLink,
  storedLinkMethods,
  type LinkFilter,
  type NewLink,
  type ScopedValue,
  type StoredLink,
  type StoredLinkMethod,
} from "./links-repository.js";
export { loadLinks, toLink } from "./load-links.js";
export { reresolveLinks } from "./reresolve.js";
export { learnRegistrants } from "./learn-registrants.js";
export { userImportRowSchema, validateUserRows, UserImportError, type UserImportRow } from "./user-import-schema.js";
export { readUserFile, parseUserCsv, parseUserJson, userCsvColumns } from "./read-user-file.js";
export { importUsers, type ImportUsersOptions, type ImportUsersResult } from "./import-users.js";
export { linkSessionManually, DirectoryError } from "./link-session.js";
export { recordLink, forgetLink, type RecordLinkInput } from "./record-link.js";
export { attendanceStatus, DEFAULT_STATUS_POLICY, type AttendanceStatus, type StatusInput, type StatusInstance } from "./status-policy.js";
export { expectedAttendees } from "./expected-attendees.js";
export { attendanceReport, type AttendanceReport, type AttendanceReportOptions, type AttendeeRow, type ResolvedBy, type UnresolvedRow } from "./attendance-report.js";
export { meetingRollup, type MeetingRollup, type RollupUser } from "./meeting-rollup.js";
export { attendanceCsv, attendanceCsvColumns, rollupCsv } from "./attendance-csv.js";
export { spreadsheetSafeCell, spreadsheetSafeCsv } from "./spreadsheet-safe-csv.js";
export { withConfiguredStore, type StoreFlags } from "./configured-store.js";
export { listInstances, type InstanceSummary, type ListInstancesOptions } from "./list-instances.js";
