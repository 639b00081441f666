/** Display helpers: times in the viewer's time zone, always said which, durations in minutes. */

const dateTime = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const timeWithZone = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", timeZoneName: "short" });

/** A date and time with its zone, e.g. "Jan 12, 2026, 09:00 AM UTC"; "—" for none. */
export function formatDateTime(time: string | number | null): string {
  return time === null ? "—" : dateTime.format(new Date(time));
}

/** A time of day without the zone (an axis, where {@link timeZoneLabel} says it once). */
export function formatTime(ms: number): string {
  return timeOnly.format(new Date(ms));
}

/** A time of day with its zone, e.g. "09:03 AM UTC"; "—" for none. */
export function formatClock(time: string | number | null): string {
  return time === null ? "—" : timeWithZone.format(new Date(time));
}

/** The viewer's time zone, e.g. "Europe/Berlin (GMT+1)". */
export function timeZoneLabel(at = Date.now()): string {
  const name = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const short = timeWithZone.formatToParts(new Date(at)).find((p) => p.type === "timeZoneName")?.value;
  return short && short !== name ? `${name} (${short})` : name;
}

export function formatMinutes(seconds: number): string {
  return `${Math.round(seconds / 60)} min`;
}

export function formatDuration(startIso: string | null, endIso: string | null, now: number): string {
  if (!startIso) return "—";
  const end = endIso ? Date.parse(endIso) : now;
  return `${Math.max(0, Math.round((end - Date.parse(startIso)) / 60_000))} min${endIso ? "" : " so far"}`;
}

export function formatPercent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

export function formatConfidence(confidence: number | null): string {
  return confidence === null ? "—" : confidence.toFixed(2);
}

/** A status in words ("in meeting", "left early"). */
export function statusText(status: string): string {
  return status.replace(/_/g, " ");
}

/** Readable words for the engine's unresolved reasons. */
export function reasonText(reason: string | null): string {
  switch (reason) {
    case "no_identifier":
      return "no identifier at all (no e-mail, registrant id or customer key)";
    case "names_hidden":
      return "names and e-mails are hidden by the privacy mode";
    case "identifier_unknown":
      return "identifiers seen, but none belongs to a known user";
    default:
      return reason ?? "";
  }
}

/** When a session was there: "joined 09:03 AM UTC · left 09:41 AM UTC" (what tells sessions apart when names are hidden). */
export function sessionTimes(firstJoin: string | null, lastLeave: string | null): string {
  const joined = firstJoin === null ? "join not seen" : `joined ${formatClock(firstJoin)}`;
  return `${joined} · ${lastLeave === null ? "still here" : `left ${formatClock(lastLeave)}`}`;
}

export function instanceHref(uuid: string): string {
  return `#/instance/${encodeURIComponent(uuid)}`;
}

export function unresolvedHref(uuid?: string): string {
  return uuid === undefined ? "#/unresolved" : `#/unresolved/${encodeURIComponent(uuid)}`;
}

export function userHref(externalId: string): string {
  return `#/user/${encodeURIComponent(externalId)}`;
}
