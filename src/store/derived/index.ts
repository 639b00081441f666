export { instanceRows, type InstanceRows } from "./instance-rows.js";
export { instanceRowChanges, sameJson, writeInstanceRowChanges, writeInstanceRows, type InstanceRowChanges, type InstanceWrite, type RowSnapshot, type WriteInstanceOptions, type WriteStats } from "./write-instance-rows.js";
export { instancesAffectedByLinks, markInstancesForReprocessing, reresolveAccount, reresolveForLinks } from "./mark-instances.js";
export { storedRowChanges } from "./stored-row-changes.js";
