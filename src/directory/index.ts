/**
 * The directory: who the app's users are (users, links, import) and how they are recognised
 * (loadLinks for the engine, registrant learning, manual links, re-resolution).
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
export { loadLinkPages, loadLinks, toLink } from "./load-links.js";
export { directoryRevision, loadInstanceLinks } from "./load-instance-links.js";
export { reresolveLinks } from "./reresolve.js";
export { learnRegistrants } from "./learn-registrants.js";
export { userImportRowSchema, userLinkListsSchema, userPatchSchema, validateUserRows, UserImportError, type UserImportRow, type UserLinkLists, type UserPatch } from "./user-import-schema.js";
export { patchUser, type PatchUserResult } from "./patch-user.js";
export { readUserFile, parseUserCsv, parseUserCsvInSlices, parseUserJson, userCsvColumns } from "./read-user-file.js";
export { importUsers, ImportInterruptedError, type ImportUsersOptions, type ImportUsersResult } from "./import-users.js";
export { linkSessionManually, unlinkSessionManually, DirectoryError } from "./link-session.js";
export { userView, usersPage, deleteUser, type UserView, type UserPage } from "./user-view.js";
export { recordLink, forgetLink, type RecordLinkInput } from "./record-link.js";
