import { createInstanceState, computeInstance, type NormalisedEvent } from "../src/core/index.js";
const base = { accountId: "acct", instanceUuid: "inst-uuid==", meetingId: "81234567890", product: "meeting" as const, source: "webhook" as const };
const ev = (e: any): NormalisedEvent => ({ ...base, ...e, key: JSON.stringify({ ...base, ...e }) });
const events = [
  ev({ type: "participant", kind: "joined", at: 1775235660000, participant: { participantUuid: "P1" } }),
  ev({ type: "participant", kind: "left", at: 1775235660000, participant: { userId: "6" } }),
  ev({ type: "participant", kind: "joined", at: 1775235600000, participant: {} }),
  ev({ type: "participant", kind: "bind", at: 1775235600000, participant: { participantUuid: "P1" }, boundTo: { userId: "6" } }),
  ev({ type: "participant", kind: "joined", at: 1775235600000, participant: {} }),
  ev({ type: "instance", kind: "started", at: 1775235600000, meeting: { startTime: 1775235600000 } }),
];
const state = createInstanceState();
const sessions = new Map<string, unknown>();
const applied: NormalisedEvent[] = [];
for (const e of events) {
  state.apply(e); applied.push(e);
  const u = state.update([]);
  for (const { now } of u.sessions) sessions.set(now.session.sessionKey, now.session);
  for (const g of u.goneSessions) sessions.delete(g.sessionKey);
  const stored = computeInstance(applied, [], { now: -Infinity });
  const want = Object.fromEntries(stored.sessions.map((s) => [s.sessionKey, s]));
  const got = Object.fromEntries(sessions);
  const full = computeInstance(applied, []);
  if (JSON.stringify(u.instance) !== JSON.stringify(full.instance)) console.log("instance differs after", applied.length, JSON.stringify(u.instance), JSON.stringify(full.instance));
  if (JSON.stringify(want) !== JSON.stringify(got)) { console.log("after", applied.length, "\nwant", JSON.stringify(want), "\ngot ", JSON.stringify(got)); break; }
}
