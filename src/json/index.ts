/** Helpers for untrusted JSON values, shared by every layer; depends on nothing. */
export { asRecord, isRecord } from "./is-record.js";
export { canonicalJson } from "./canonical-json.js";
