export { instanceRows, type InstanceRows } from "./instance-rows.js";
export { fullRowChanges, noRowChanges, resultOfCompleteUpdate, rowChangesOfUpdate, type InstanceRowChanges } from "./row-changes.js";
export { writeInstanceRowChanges, writeInstanceRows, type InstanceWrite, type WriteInstanceOptions, type WriteStats } from "./write-row-changes.js";
export { instancesAffectedByLinks, markInstancesForReprocessing, reresolveAccount, reresolveForLinks } from "./mark-instances.js";
export { storedRowChanges } from "./stored-row-changes.js";
