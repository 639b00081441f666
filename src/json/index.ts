/** Helpers for JSON values (untrusted input, and how times are printed), shared by every layer; depends on nothing. */
export { asRecord, isRecord } from "./is-record.js";
export { canonicalJson } from "./canonical-json.js";
export { isoTime, parseIsoTime, parseRangeEnd } from "./iso-time.js";
