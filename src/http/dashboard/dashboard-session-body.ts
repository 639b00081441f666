/**
 * `GET /dashboard/api/session`: who is signed in to the dashboard, the CSRF token its writes carry,
 * and where Zoom should send webhooks (for the empty state). A type only, so the front end imports
 * it (type-only) instead of retyping it.
 */
export interface DashboardSessionBody {
  /** The API key's name. */
  name: string;
  scope: "read" | "write";
  /** Sent as `x-csrf-token` with every write to `/api/v1`. */
  csrfToken: string;
  webhookUrl: string;
}
