import type { ConfigInput } from "./config-schema.js";

/**
 * The environment variables Rollcall reads, and the config key each one sets. Kept in one table so
 * an error can name the variable the user actually typed.
 */
export const environmentVariables = {
  PORT: "port",
  ROLLCALL_ROLE: "role",
  HOST: "host",
  ROLLCALL_PUBLIC_URL: "publicUrl",
  ROLLCALL_DATA_DIR: "dataDir",
  DATABASE_URL: "databaseUrl",
  ZOOM_WEBHOOK_SECRET_TOKEN: "webhookSecrets",
  ROLLCALL_ZOOM_APPS: "zoomApps",
  ROLLCALL_WEBHOOK_TOLERANCE_SECONDS: "webhookToleranceSeconds",
  ROLLCALL_BODY_LIMIT_BYTES: "bodyLimitBytes",
  ROLLCALL_REQUEST_TIMEOUT_SECONDS: "requestTimeoutSeconds",
  ROLLCALL_CACHE_MAX_INSTANCES: "cacheMaxInstances",
  ROLLCALL_SQLITE_SYNCHRONOUS: "sqliteSynchronous",
  ROLLCALL_PRIVACY: "privacy",
  ROLLCALL_HASH_KEY: "privacyHashKey",
  ROLLCALL_NAME_PATTERN: "namePattern",
  ROLLCALL_STATUS_POLICY: "statusPolicy",
  ROLLCALL_API_RATE_LIMIT: "apiRateLimitPerMinute",
  ROLLCALL_JOIN_TOKEN_SECRET: "joinTokenSecret",
  ROLLCALL_JOIN_TOKEN_TTL_SECONDS: "joinTokenTtlSeconds",
  ROLLCALL_JOIN_LEAVE_URL: "joinLeaveUrl",
  ROLLCALL_DASHBOARD_SECRET: "dashboardSecret",
  ROLLCALL_WEBHOOK_RETRY_SECONDS: "webhookRetrySeconds",
  ROLLCALL_WEBHOOK_ALLOW_PRIVATE: "webhookAllowPrivate",
  ROLLCALL_WEBHOOK_TIMEOUT_SECONDS: "webhookTimeoutSeconds",
  LOG_LEVEL: "logLevel",
  ZOOM_ACCOUNT_ID: "zoom.accountId",
  ZOOM_CLIENT_ID: "zoom.clientId",
  ZOOM_CLIENT_SECRET: "zoom.clientSecret",
  ZOOM_SDK_KEY: "zoom.sdkKey",
  ZOOM_SDK_SECRET: "zoom.sdkSecret",
  ZOOM_API_BASE_URL: "zoom.apiBaseUrl",
  ZOOM_OAUTH_URL: "zoom.oauthUrl",
  ZOOM_WEBSOCKET_SUBSCRIPTION_ID: "zoom.websocketSubscriptionId",
  ZOOM_WEBSOCKET_URL: "zoom.websocketUrl",
  ROLLCALL_WEBSOCKET_HEARTBEAT_SECONDS: "websocket.heartbeatSeconds",
  ROLLCALL_WEBSOCKET_DEAD_AFTER_SECONDS: "websocket.deadAfterSeconds",
  ROLLCALL_RECONCILE_DELAY_SECONDS: "reconcile.delaySeconds",
  ROLLCALL_RECONCILE_RETRY_SECONDS: "reconcile.retrySeconds",
  ROLLCALL_RECONCILE_DEADLINE_SECONDS: "reconcile.deadlineSeconds",
  ROLLCALL_RECONCILE_IDLE_SECONDS: "reconcile.idleSeconds",
  ROLLCALL_SYNTHETIC_EMAIL_DOMAIN: "syntheticEmailDomain",
} as const;

export type EnvironmentVariable = keyof typeof environmentVariables;

/** Thrown for a value that cannot even be read (e.g. malformed JSON in ROLLCALL_ZOOM_APPS). */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Turns the process environment into raw config input (not yet validated). Empty variables count
 * as unset, so `PORT= npm start` behaves like no PORT at all.
 */
export function configFromEnvironment(env: NodeJS.ProcessEnv): ConfigInput {
  const input: Record<string, unknown> = {};
  for (const [variable, key] of Object.entries(environmentVariables)) {
    const raw = env[variable]?.trim();
    if (raw === undefined || raw === "") continue;
    // "zoom.clientId" → input.zoom.clientId
    const path = key.split(".");
    let target = input;
    for (const part of path.slice(0, -1)) target = (target[part] ??= {}) as Record<string, unknown>;
    target[path[path.length - 1]!] = readValue(variable as EnvironmentVariable, raw);
  }
  return input as ConfigInput;
}

/** The environment variable that sets a config key, e.g. `"zoom.clientId"` → `"ZOOM_CLIENT_ID"`. */
export function variableForKey(key: (typeof environmentVariables)[EnvironmentVariable]): EnvironmentVariable {
  return Object.entries(environmentVariables).find(([, k]) => k === key)![0] as EnvironmentVariable;
}

function readValue(variable: EnvironmentVariable, raw: string): unknown {
  if (variable === "ZOOM_WEBHOOK_SECRET_TOKEN") {
    const tokens = raw.split(",").map((s) => s.trim());
    // "a,,b" or "," is a typo, not "no secret": silently falling back to a generated one would
    // make every real delivery fail its signature.
    if (tokens.some((s) => s === "")) throw new ConfigError(`ZOOM_WEBHOOK_SECRET_TOKEN: expected comma-separated non-empty secret tokens, got an empty one`);
    return tokens;
  }
  if (variable === "ROLLCALL_WEBHOOK_RETRY_SECONDS") {
    return raw.split(",").map((s) => s.trim());
  }
  if (variable === "ROLLCALL_WEBHOOK_ALLOW_PRIVATE") {
    if (["1", "true", "yes"].includes(raw.toLowerCase())) return true;
    if (["0", "false", "no"].includes(raw.toLowerCase())) return false;
    throw new ConfigError(`ROLLCALL_WEBHOOK_ALLOW_PRIVATE: expected 1 or 0, got "${raw}"`);
  }
  if (variable === "ROLLCALL_ZOOM_APPS") {
    try {
      return JSON.parse(raw);
    } catch {
      throw new ConfigError(`ROLLCALL_ZOOM_APPS: expected JSON like [{"name":"app","secretTokens":["…"]}]`);
    }
  }
  if (variable === "ROLLCALL_STATUS_POLICY") {
    try {
      return JSON.parse(raw);
    } catch {
      throw new ConfigError(`ROLLCALL_STATUS_POLICY: expected JSON like {"graceMinutes":5,"leftEarlyMinutes":5,"minAttendedMinutes":1,"partialBelowShare":0.5}`);
    }
  }
  return raw;
}
