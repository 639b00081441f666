export { instanceRows, type InstanceRows } from "./instance-rows.js";
export { writeInstanceRows, type RowSnapshot, type WriteInstanceOptions, type WriteStats } from "./write-instance-rows.js";
export { instancesAffectedByLinks, markInstancesForReprocessing, reresolveAccount, reresolveForLinks } from "./mark-instances.js";
