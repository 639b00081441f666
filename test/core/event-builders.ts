/** Small builders for normalised events, so tests read like the meeting they describe. */
import type { InstanceEvent, ParticipantEvent, ParticipantEventKind, ParticipantIdentifiers, ReportRowEvent } from "../../src/core/index.js";

export const UUID = "inst-uuid==";
export const MEETING = "81234567890";
export const T0 = Date.UTC(2026, 3, 3, 17, 0, 0);
/** Minutes after T0, in epoch ms. */
export const min = (m: number): number => T0 + m * 60_000;

let seq = 0;

/** A participant event; the key is derived from content like the real content key (equal content → equal key). */
export function p(kind: ParticipantEventKind, at: number, who: ParticipantIdentifiers, extra: Partial<ParticipantEvent> = {}): ParticipantEvent {
  return {
    type: "participant",
    kind,
    key: `${kind}|${who.participantUuid ?? ""}|${who.userId ?? ""}|${at}|${extra.key ?? ""}`,
    accountId: "acct",
    instanceUuid: UUID,
    meetingId: MEETING,
    product: "meeting",
    at,
    source: "webhook",
    participant: who,
    ...extra,
  };
}

export const joined = (at: number, who: ParticipantIdentifiers, extra?: Partial<ParticipantEvent>) => p("joined", at, who, extra);
export const left = (at: number, who: ParticipantIdentifiers, extra?: Partial<ParticipantEvent>) => p("left", at, who, extra);

export function started(at: number): InstanceEvent {
  return { type: "instance", kind: "started", key: `started|${at}`, accountId: "acct", instanceUuid: UUID, meetingId: MEETING, product: "meeting", at, source: "webhook", meeting: { startTime: at, topic: "Class" } };
}

export function ended(at: number, startTime?: number): InstanceEvent {
  const meeting = startTime === undefined ? { endTime: at, topic: "Class" } : { endTime: at, startTime, topic: "Class" };
  return { type: "instance", kind: "ended", key: `ended|${at}`, accountId: "acct", instanceUuid: UUID, meetingId: MEETING, product: "meeting", at, source: "webhook", meeting };
}

export function reportRow(at: number, leaveAt: number, who: ParticipantIdentifiers, status = "in_meeting"): ReportRowEvent {
  return { type: "report_row", key: `report|${who.userId ?? ""}|${at}|${leaveAt}`, accountId: "acct", instanceUuid: UUID, meetingId: MEETING, product: "meeting", at, leaveAt, source: "report", participant: who, status };
}

/** A fresh unique suffix, for tests that need distinct keys. */
export const unique = () => String(++seq);
