import * as z from "zod";

/** `ROLLCALL_PRIVACY`: what Rollcall keeps of participants' and users' names and e-mails. */
export const privacyModes = ["store", "hash", "drop"] as const;
export type PrivacyMode = (typeof privacyModes)[number];

/**
 * What a `rollcall serve` process does: `all` (default) everything; `ingest` only verifies and stores
 * webhooks (no workers, scale it behind a load balancer); `worker` runs the background workers and
 * serves no webhook route. Several of each can share one PostgreSQL database.
 */
export const serviceRoles = ["all", "ingest", "worker"] as const;
export type ServiceRole = (typeof serviceRoles)[number];

/** Default display-name token: `[rc:TOKEN]` anywhere in the name, e.g. "Dana [rc:7f3k]". */
export const defaultNamePattern = String.raw`\[rc:(?<token>[A-Za-z0-9_-]+)\]`;

/** Svix's schedule: at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (about 27 h in all). */
export const defaultWebhookRetrySeconds = [0, 5, 300, 1800, 7200, 18000, 36000, 36000] as const;

const port = z.coerce.number().int().min(0).max(65_535);
const positiveInt = z.coerce.number().int().positive();

/**
 * One Zoom app (or account) whose events Rollcall accepts: by webhook, with its own secret tokens,
 * and/or by Zoom's WebSocket, with its subscription id and Server-to-Server OAuth credentials
 * (those default to `ZOOM_ACCOUNT_ID`, `ZOOM_CLIENT_ID`, `ZOOM_CLIENT_SECRET`).
 */
export const zoomAppSchema = z
  .object({
    name: z.string().min(1),
    /** Event Subscription secret tokens; several at once while rotating. */
    secretTokens: z.array(z.string().min(1)).default([]),
    /** Accounts (`payload.account_id`) this app's events may come from; empty = any. */
    accountIds: z.array(z.string().min(1)).default([]),
    /** The app's WebSockets Event Subscription id: Rollcall opens that connection itself. */
    websocketSubscriptionId: z.string().min(1).optional(),
    accountId: z.string().min(1).optional(),
    clientId: z.string().min(1).optional(),
    clientSecret: z.string().min(1).optional(),
  })
  .refine((app) => app.secretTokens.length > 0 || app.websocketSubscriptionId !== undefined, {
    error: "expected secretTokens (webhooks) or websocketSubscriptionId (WebSocket), or both",
    path: ["secretTokens"],
  });
export type ZoomApp = z.infer<typeof zoomAppSchema>;

/**
 * How an attendance row gets its status (`ROLLCALL_STATUS_POLICY`, JSON). Minutes are measured
 * against the instance's start and end (see `src/reports/status-policy.ts`).
 */
export const statusPolicySchema = z.strictObject({
  /** `late` when the first join is more than this after the start. */
  graceMinutes: z.number().min(0).default(5),
  /** `left_early` when the last leave is more than this before the end. */
  leftEarlyMinutes: z.number().min(0).default(5),
  /** `absent` below this much time attended. */
  minAttendedMinutes: z.number().min(0).default(1),
  /** `partial` when the share of the instance attended is below this (0..1). */
  partialBelowShare: z.number().min(0).max(1).default(0.5),
});
export type StatusPolicy = z.output<typeof statusPolicySchema>;

const seconds = z.coerce.number({ error: "expected a number of seconds" }).nonnegative({ error: "expected zero or more seconds" });

/**
 * When reconciliation with Zoom's reports runs (`ROLLCALL_RECONCILE_*_SECONDS`); turned into
 * milliseconds, with their floors, by `reconcileSettingsFromConfig`.
 */
export const reconcileTimingSchema = z.object({
  /** Wait after the meeting's end before the first fetch (Zoom needs a few minutes to build reports). */
  delaySeconds: seconds.default(5 * 60),
  /** First wait after Zoom says "not ready"; doubled on every further "not ready". */
  retrySeconds: seconds.default(60),
  /** Give up when the report is still not ready this long after the first attempt was due. */
  deadlineSeconds: seconds.default(24 * 3600),
  /** A live instance whose latest event is older than this is reconciled too (its meeting.ended may be lost). */
  idleSeconds: seconds.default(12 * 3600),
});
export type ReconcileTiming = z.output<typeof reconcileTimingSchema>;

/** Zoom's public endpoints, the defaults of `ZOOM_API_BASE_URL`, `ZOOM_OAUTH_URL` and `ZOOM_WEBSOCKET_URL`. */
export const DEFAULT_API_BASE_URL = "https://api.zoom.us/v2";
export const DEFAULT_OAUTH_URL = "https://zoom.us";
export const DEFAULT_WEBSOCKET_URL = "wss://ws.zoom.us/ws";

/** An http(s) URL, without trailing slashes (paths are appended to it). */
const httpUrl = z.url({ protocol: /^https?$/, error: "expected an http(s) URL" }).transform((url) => url.replace(/\/+$/, ""));

const interval = z.coerce.number({ error: "expected a number of seconds" }).positive({ error: "expected more than 0 seconds" });

/** How a WebSocket connection keeps itself alive (`ROLLCALL_WEBSOCKET_*_SECONDS`). */
export const websocketTimingSchema = z
  .object({
    /** A heartbeat frame and a ping this often (Zoom drops a connection silent for 30 s). */
    heartbeatSeconds: interval.max(29, { error: "expected at most 29 seconds: Zoom drops a connection silent for 30 s" }).default(20),
    /** No frame and no pong for this long: the connection is dead and is replaced. */
    deadAfterSeconds: interval.default(45),
  })
  .refine((t) => t.deadAfterSeconds > t.heartbeatSeconds, { error: "expected deadAfterSeconds above heartbeatSeconds", path: ["deadAfterSeconds"] });

/** Zoom app credentials and endpoints (`ZOOM_*`). */
export const zoomSettingsSchema = z.object({
  accountId: z.string().min(1).optional(),
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
  sdkKey: z.string().min(1).optional(),
  sdkSecret: z.string().min(1).optional(),
  apiBaseUrl: httpUrl.default(DEFAULT_API_BASE_URL),
  oauthUrl: httpUrl.default(DEFAULT_OAUTH_URL),
  /** The default app's WebSockets Event Subscription id (`ZOOM_WEBSOCKET_SUBSCRIPTION_ID`). */
  websocketSubscriptionId: z.string().min(1).optional(),
  websocketUrl: z.url({ protocol: /^wss?$/, error: "expected a ws(s) URL" }).default(DEFAULT_WEBSOCKET_URL),
});
export type ZoomSettings = z.output<typeof zoomSettingsSchema>;

/**
 * Everything Rollcall can be told, after defaults. Environment variables (design.md "Contract")
 * map onto these keys in `load-config.ts`; flags and a config file override them.
 */
export const configSchema = z.object({
  port: port.default(3000),
  role: z.enum(serviceRoles).default("all"),
  host: z.string().min(1).default("0.0.0.0"),
  /** Public base URL, only used to print the endpoint to paste into Zoom. */
  publicUrl: z.url().optional(),
  dataDir: z.string().min(1).default("./data"),
  /** `sqlite:<path>` or `postgres://…`; defaults to `sqlite:<dataDir>/rollcall.db`. */
  databaseUrl: z
    .string()
    .regex(/^(sqlite:|postgres(ql)?:\/\/)/, "expected sqlite:<path> or postgres://…")
    .optional(),
  /** Secret tokens of the default Zoom app (comma-separated in the environment, for rotation). */
  webhookSecrets: z.array(z.string().min(1)).default([]),
  /** Further Zoom apps/accounts, each with its own secrets (multi-account). */
  zoomApps: z.array(zoomAppSchema).default([]),
  /** Accepted distance between `x-zm-request-timestamp` and now. */
  webhookToleranceSeconds: positiveInt.default(300),
  bodyLimitBytes: positiveInt.default(1024 * 1024),
  /**
   * Longest time to receive a whole request, headers and body; a client that trickles its body
   * slower is answered 408 and disconnected (it would otherwise hold a socket for minutes).
   */
  requestTimeoutSeconds: positiveInt.default(30),
  /**
   * Instances whose engine state the pipeline keeps in memory (ended ones leave first); each costs
   * some kilobytes even with one event. An instance not kept is rebuilt from the inbox when touched.
   */
  cacheMaxInstances: positiveInt.default(2000),
  /**
   * SQLite `synchronous`: `FULL` fsyncs every commit (survives power loss); `NORMAL` in WAL mode
   * survives a process crash (SIGKILL) but may lose the last commits on power loss or an OS crash.
   */
  sqliteSynchronous: z.enum(["FULL", "NORMAL"]).default("FULL"),
  privacy: z.enum(privacyModes).default("store"),
  /** Key for the `hash` privacy mode; generated into the data directory when absent. */
  privacyHashKey: z.string().min(16).optional(),
  namePattern: z
    .string()
    .default(defaultNamePattern)
    .refine(isTokenPattern, "expected a regular expression with a named group (?<token>…)"),
  statusPolicy: statusPolicySchema.default({ graceMinutes: 5, leftEarlyMinutes: 5, minAttendedMinutes: 1, partialBelowShare: 0.5 }),
  /** Requests per minute each API key may make to `/api/v1` before 429 (`ROLLCALL_API_RATE_LIMIT`). */
  apiRateLimitPerMinute: positiveInt.default(600),
  /**
   * HMAC key for hosted-join tokens (`GET /join/{token}`), shared by every process on the database
   * (`ROLLCALL_JOIN_TOKEN_SECRET`); generated into the data directory when absent.
   */
  joinTokenSecret: z.string().min(16).optional(),
  /** How long a hosted-join token stays valid (`ROLLCALL_JOIN_TOKEN_TTL_SECONDS`, default 15 minutes). */
  joinTokenTtlSeconds: positiveInt.default(900),
  /**
   * Where the hosted Meeting SDK page (`GET /join/{token}` of an `sdk` join link) sends the user
   * when they leave the meeting, unless the join-link request names its own `leaveUrl`
   * (`ROLLCALL_JOIN_LEAVE_URL`; default `about:blank`).
   */
  joinLeaveUrl: z.url({ protocol: /^https?$/, error: "expected an http(s) URL" }).optional(),
  /**
   * HMAC key signing dashboard session cookies, shared by every process serving the dashboard
   * (`ROLLCALL_DASHBOARD_SECRET`); generated into the data directory when absent.
   */
  dashboardSecret: z.string().min(16).optional(),
  /**
   * Outbound webhooks (`src/notify`): seconds to wait before each delivery attempt, the first one
   * included (`0` = at once); a message that fails them all is dead-lettered.
   */
  webhookRetrySeconds: z
    .array(z.coerce.number().min(0).max(7 * 86_400))
    .min(1)
    .default([...defaultWebhookRetrySeconds]),
  /** Let webhook endpoints point at loopback, private, link-local and metadata addresses (tests, private networks). */
  webhookAllowPrivate: z.boolean().default(false),
  /** How long one delivery may take before it counts as failed. */
  webhookTimeoutSeconds: z.coerce.number().positive().max(300).default(10),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  zoom: zoomSettingsSchema.prefault({}),
  reconcile: reconcileTimingSchema.prefault({}),
  websocket: websocketTimingSchema.prefault({}),
  /** Domain of the synthetic e-mails `rollcall links issue` gives registrants without one (e.g. `example.invalid`). */
  syntheticEmailDomain: z.string().min(1).optional(),
});

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;

function isTokenPattern(source: string): boolean {
  try {
    return /\(\?<token>/.test(source) && new RegExp(source) instanceof RegExp;
  } catch {
    return false;
  }
}
