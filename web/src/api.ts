/** The dashboard's JSON, read with the session cookie; writes carry the CSRF token. */

export interface Session {
  name: string;
  scope: "read" | "write";
  csrfToken: string;
  webhookUrl: string;
}

export interface InstanceListItem {
  uuid: string;
  meetingId: string;
  topic: string | null;
  startTime: string | null;
  endTime: string | null;
  status: string;
  sessions: number;
  attendees: number;
  unresolved: number;
}

export interface Identifier {
  field: string;
  value: string;
  source: string;
}

export interface Suggestion {
  externalId: string;
  name: string | null;
  score: number;
  /** What was alike: the e-mail or the name. */
  matchedOn: "email" | "name";
}

export interface TimelineSession {
  sessionKey: string;
  displayName: string | null;
  identifiers: Identifier[];
  intervals: Array<{ from: number; to: number | null; closedByMeetingEnd: boolean }>;
  rooms: Array<{ kind: "waiting_room" | "breakout"; from: number; to: number | null }>;
  attendedSeconds: number;
  present: boolean;
  source: string;
  userId: string | null;
  userName: string | null;
  method: string | null;
  confidence: number;
  unresolvedReason: string | null;
  conflicts: Array<{ userId: string; method: string }>;
}

export interface Attendee {
  externalId: string;
  name: string | null;
  status: string;
  attendedSeconds: number;
  firstJoin: string | null;
  lastLeave: string | null;
  sessions: number;
  resolvedBy: string | null;
  confidence: number | null;
  shareOfInstance: number;
  source: string | null;
}

export interface InstanceDetail {
  now: number;
  instance: {
    uuid: string;
    meetingId: string;
    topic: string | null;
    startTime: string | null;
    endTime: string | null;
    status: string;
    spanFrom: number | null;
    spanTo: number | null;
  };
  attendees: Attendee[];
  sessions: TimelineSession[];
  unresolved: Array<TimelineSession & { suggestions: Suggestion[] }>;
}

export interface QueueItem {
  instanceUuid: string;
  meetingId: string;
  topic: string | null;
  instanceStart: number | null;
  sessionKey: string;
  displayName: string | null;
  attendedSeconds: number;
  reason: string;
  identifiers: Identifier[];
  suggestions: Suggestion[];
}

export interface UserDetail {
  user: { externalId: string; name: string | null; email: string | null };
  attendance: Array<{
    instanceUuid: string;
    meetingId: string;
    topic: string | null;
    startTime: string | null;
    status: string;
    attendedSeconds: number;
    sessions: number;
    resolvedBy: string;
    confidence: number;
  }>;
}

/** An answer other than 2xx, with the API's error message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken = "";

/** Remembers the CSRF token the session answer carried, for later writes. */
export function rememberCsrfToken(token: string): void {
  csrfToken = token;
}

async function handle<T>(response: Response): Promise<T> {
  if (response.status === 401) {
    // The session ended (expired or its key was revoked): back to the sign-in form.
    window.location.assign("/");
    throw new ApiError(401, "signed out");
  }
  const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!response.ok) throw new ApiError(response.status, body.error?.message ?? `HTTP ${response.status}`);
  return body as T;
}

/** GET a dashboard JSON route with the session cookie. */
export async function getJson<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  const search = params.toString();
  return handle<T>(await fetch(`/dashboard/api/${path}${search ? `?${search}` : ""}`, { headers: { accept: "application/json" }, credentials: "same-origin" }));
}

/** POST JSON with the session cookie and the CSRF header. */
export async function postJson<T>(path: string, body: unknown): Promise<T> {
  return handle<T>(
    await fetch(`/dashboard/api/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", "x-csrf-token": csrfToken },
      body: JSON.stringify(body),
      credentials: "same-origin",
    }),
  );
}

/** The URL of an instance's CSV download. */
export function csvUrl(uuid: string): string {
  return `/dashboard/api/instance/attendance.csv?uuid=${encodeURIComponent(uuid)}`;
}
