/** Display helpers: times in the viewer's time zone, durations in minutes. */

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

export function formatDateTime(iso: string | number | null): string {
  return iso === null ? "—" : dateTime.format(new Date(iso));
}

export function formatTime(ms: number): string {
  return timeOnly.format(new Date(ms));
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

export function instanceHref(uuid: string): string {
  return `#/instance/${encodeURIComponent(uuid)}`;
}

export function userHref(externalId: string): string {
  return `#/user/${encodeURIComponent(externalId)}`;
}
