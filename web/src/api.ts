/**
 * The dashboard reads and writes `/api/v1` with its session cookie, as any API client does with a
 * key; writes carry the session's CSRF token. The response types are the server's own (imported
 * type-only from the schemas that also generate `/openapi.json`), never retyped here.
 */
import type {
  AttendanceReportBody,
  AttendeeRowBody,
  IdentifierBody,
  InstancePageBody,
  InstanceSummaryBody,
  InstanceTimelineBody,
  ReviewQueueItemBody,
  ReviewSessionBody,
  TimelineSessionBody,
  UserAttendanceBody,
  UserBody,
  UserPageBody,
} from "../../src/http/api/api-schemas.js";
import type { DashboardSessionBody } from "../../src/http/dashboard/dashboard-session-body.js";

export type {
  AttendanceReportBody as AttendanceReport,
  AttendeeRowBody as AttendeeRow,
  IdentifierBody as Identifier,
  InstancePageBody as InstancePage,
  InstanceSummaryBody as InstanceSummary,
  InstanceTimelineBody as InstanceTimeline,
  ReviewQueueItemBody as ReviewQueueItem,
  ReviewSessionBody as ReviewSession,
  TimelineSessionBody as TimelineSession,
  UserAttendanceBody as UserAttendance,
  UserBody as User,
  UserPageBody as UserPage,
  DashboardSessionBody as Session,
};

/** A WebSocket gap that overlaps an instance. */
export type InstanceGap = AttendanceReportBody["instance"]["gaps"][number];

/** A suggested user of a review session. */
export type Suggestion = ReviewSessionBody["suggestions"][number];

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

/** Back to the sign-in form: the session ended (expired, signed out elsewhere, or its key revoked). */
function signedOut(): never {
  window.location.assign("/");
  throw new ApiError(401, "signed out");
}

async function handle<T>(response: Response): Promise<T> {
  if (response.status === 401) signedOut();
  const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!response.ok) throw new ApiError(response.status, body.error?.message ?? `HTTP ${response.status}`);
  return body as T;
}

/** `/api/v1` + path with the query's set values. */
export function apiUrl(path: string, query: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== "") params.set(key, String(value));
  const search = params.toString();
  return `/api/v1${path}${search ? `?${search}` : ""}`;
}

/** GET an `/api/v1` route with the session cookie. */
export async function apiGet<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
  return handle<T>(await fetch(apiUrl(path, query), { headers: { accept: "application/json" }, credentials: "same-origin" }));
}

/** A write to `/api/v1` with the session cookie and the CSRF header. */
export async function apiWrite<T>(method: "POST" | "DELETE" | "PATCH" | "PUT", path: string, body?: unknown): Promise<T> {
  return handle<T>(
    await fetch(apiUrl(path), {
      method,
      headers: { accept: "application/json", "x-csrf-token": csrfToken, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      credentials: "same-origin",
    }),
  );
}

/** The dashboard's own session answer (not under `/api`: it is about the cookie itself). */
export async function getSession(): Promise<DashboardSessionBody> {
  return handle<DashboardSessionBody>(await fetch("/dashboard/api/session", { headers: { accept: "application/json" }, credentials: "same-origin" }));
}

/** Every user (pages of 500 walked to the end, at most 10,000), for the link controls' suggestions list. */
export async function allUsers(): Promise<UserBody[]> {
  const users: UserBody[] = [];
  let cursor: string | undefined;
  do {
    const page = await apiGet<UserPageBody>("/users", { limit: 500, cursor });
    users.push(...page.data);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && users.length < 10_000);
  return users;
}

/** An instance uuid as one path segment (it may hold `/`, `+`, `=`). */
export function uuidPath(uuid: string): string {
  return encodeURIComponent(uuid);
}

/** The URL of an instance's CSV download. */
export function csvUrl(uuid: string): string {
  return apiUrl(`/instances/${uuidPath(uuid)}/attendance.csv`);
}
