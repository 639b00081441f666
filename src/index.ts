/**
 * Rollcall as a library, for apps that embed it instead of running `rollcall serve` beside them.
 *
 * @example
 * import { createRollcall } from "rollcall";
 * const rollcall = await createRollcall({ config: { port: 3000, databaseUrl: "sqlite:./data/rollcall.db" } });
 * await rollcall.importUsers([{ externalId: "user-123", email: "dana@example.com" }]);
 * // … Zoom posts to http://<host>:3000/webhooks/zoom …
 * const report = await rollcall.attendance("FaKeUuId1234567890abcQ==");
 * await rollcall.stop();
 */
import { loadConfig, type Config, type ConfigInput } from "./config/index.js";
import { importUsers, linkSessionManually, validateUserRows, type ImportUsersResult } from "./directory/index.js";
import { attendanceReport, listInstances, meetingRollup, type AttendanceReport, type InstanceSummary, type ListInstancesOptions, type MeetingRollup } from "./reports/index.js";
import { serviceWorkers, startRollcall, type RunningRollcall, type StartRollcallOptions } from "./service/index.js";
import { privacySettingsFromConfig } from "./zoom/privacy/index.js";

export interface CreateRollcallOptions extends Omit<StartRollcallOptions, "workers"> {
  /** Config keys (see `src/config/config-schema.ts`); they win over the environment. */
  config?: ConfigInput;
  /** The environment to read (default: the process's, as `rollcall serve` reads it); pass `{}` to ignore it. */
  env?: NodeJS.ProcessEnv;
  /** Run the pipeline and reconciliation workers (default true), as `rollcall serve` does. */
  workers?: boolean;
}

/** A running, embedded Rollcall with the app-facing operations beside the service handle. */
export interface EmbeddedRollcall extends RunningRollcall {
  config: Config;
  /** Upserts users by `externalId` (same rows as `rollcall users import`); re-resolves what they affect. */
  importUsers(rows: unknown[], options?: { accountId?: string }): Promise<ImportUsersResult>;
  /** Says "this session is that user" for a session no identifier resolved. */
  linkSession(input: { instanceUuid: string; sessionKey: string; externalId: string }): Promise<void>;
  /** The instances seen, newest first. */
  instances(options?: ListInstancesOptions): Promise<InstanceSummary[]>;
  /** One instance's attendance in the `rollcall attendance` contract, or undefined if never seen. */
  attendance(instanceUuid: string, options?: { accountId?: string }): Promise<AttendanceReport | undefined>;
  /** A recurring meeting's per-user roll-up across its instances. */
  rollup(meetingId: string, options?: { accountId?: string }): Promise<MeetingRollup | undefined>;
}

/**
 * Starts Rollcall inside the calling process: configuration as `rollcall serve` reads it (the
 * environment, then `options.config`), the webhook endpoint, and the background workers. Signals
 * are left to the host app unless `handleSignals: true`.
 */
export async function createRollcall(options: CreateRollcallOptions = {}): Promise<EmbeddedRollcall> {
  const config = loadConfig({ ...(options.env !== undefined ? { env: options.env } : {}), overrides: options.config ?? {} });
  const { config: _config, env: _env, workers, ...start } = options;
  const running = await startRollcall(config, {
    handleSignals: false,
    ...start,
    workers: workers === false ? [] : serviceWorkers(config),
  });
  const db = running.store.db;
  const privacy = privacySettingsFromConfig(config);
  return Object.assign(running, {
    config,
    importUsers: async (rows: unknown[], o: { accountId?: string } = {}) => importUsers(running.store, validateUserRows(rows, "users"), { accountId: o.accountId ?? "*", privacy }),
    linkSession: async (input: { instanceUuid: string; sessionKey: string; externalId: string }) => {
      await linkSessionManually(db, input);
    },
    instances: (o?: ListInstancesOptions) => listInstances(db, o),
    attendance: (uuid: string, o: { accountId?: string } = {}) => attendanceReport(db, uuid, { policy: config.statusPolicy, ...o }),
    rollup: (meetingId: string, o: { accountId?: string } = {}) => meetingRollup(db, meetingId, { policy: config.statusPolicy, ...o }),
  });
}

export { loadConfig, ConfigError, type Config, type ConfigInput, type LoadConfigOptions } from "./config/index.js";
// `serviceWorkers(config)`: the workers `rollcall serve` runs for the config's role, for `startRollcall`.
export { startRollcall, serviceWorkers, type RunningRollcall, type StartRollcallOptions } from "./service/index.js";
export type { Worker, WorkerContext } from "./runtime/index.js";
export { computeInstance, computeInstanceLean, createInstanceState } from "./core/index.js";
export type { EngineOptions, InstanceResult, LeanInstanceResult, Link, NormalisedEvent } from "./core/index.js";
export { normaliseZoomEvent, contentKey, type NormaliseOptions, type NormaliseResult } from "./zoom/events/index.js";
export { createWebhookVerifier, answerUrlValidation, signZoomWebhook, webhookSecretsFrom, type WebhookSecret, type WebhookSecretSource } from "./zoom/webhook/index.js";
export type { AttendanceReport, AttendeeRow, AttendeeSource, ResolvedBy, MeetingRollup, InstanceSummary, ListInstancesOptions } from "./reports/index.js";
