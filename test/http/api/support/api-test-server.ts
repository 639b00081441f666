/**
 * An in-process Rollcall for the API tests: real HTTP on a free port, the pipeline worker running,
 * webhooks posted signed as Zoom does, API keys made in its database, and a small client.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createApiKey, revokeApiKey, type ApiKeyScope } from "../../../../src/api-keys/index.js";
import { loadConfig, type ConfigInput } from "../../../../src/config/index.js";
import { pipelineWorkerFromConfig } from "../../../../src/service/index.js";
import type { StartRollcallOptions } from "../../../../src/service/start-rollcall.js";
import { countPendingInboxEvents } from "../../../../src/store/inbox/index.js";
import { startTestServer, type TestServer } from "../../support/rollcall-server.js";
import { postSigned } from "../../../pipeline/support/zoom-webhooks.js";
import { rollcallCli as rollcallSources } from "../../../support/rollcall-cli.js";

export const webhookSecret = "api-test-webhook-secret";

export interface ApiTestServer extends TestServer {
  databaseUrl: string;
  /** A key with scope `write` (made at start). */
  writeKey: string;
  /** A key with scope `read` (made at start). */
  readKey: string;
  newKey(scope: ApiKeyScope, name?: string): Promise<{ id: number; key: string }>;
  revoke(id: number): Promise<void>;
  /** Calls the API; `body` objects go as JSON, strings as they are. */
  call(method: string, path: string, options?: { key?: string | null; body?: unknown; headers?: Record<string, string> }): Promise<ApiAnswer>;
  /** Posts Zoom webhook bodies, signed, one at a time, in order. */
  deliver(bodies: readonly unknown[]): Promise<void>;
  /** Waits until the pipeline has processed every inbox event and re-resolved every marked instance. */
  settled(): Promise<void>;
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or undefined. */
  json: any;
}

/** Starts the server; `overrides` are config keys (e.g. `apiRateLimitPerMinute`). */
export async function startApiTestServer(databaseUrl: string, overrides: ConfigInput = {}, options: Pick<StartRollcallOptions, "routes" | "apiRoutes"> = {}): Promise<ApiTestServer> {
  const config = loadConfig({ env: {}, overrides: { databaseUrl, dataDir: "/nonexistent-unused", ...overrides } });
  const server = await startTestServer(databaseUrl, { webhookSecrets: [webhookSecret], ...overrides }, { ...options, workers: [pipelineWorkerFromConfig(config)] });
  const db = server.rollcall.store.db;
  const newKey = async (scope: ApiKeyScope, name = `test ${scope}`) => {
    const { id, key } = await createApiKey(db, { name, scope });
    return { id, key };
  };
  const writeKey = (await newKey("write")).key;
  const readKey = (await newKey("read")).key;
  const call: ApiTestServer["call"] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...(o.key === null ? {} : { authorization: `Bearer ${o.key ?? writeKey}` }), ...o.headers };
    let body: string | undefined;
    if (o.body !== undefined) {
      body = typeof o.body === "string" ? o.body : JSON.stringify(o.body);
      headers["content-type"] ??= "application/json";
    }
    const response = await fetch(`${server.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}), redirect: "manual" });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  };
  return {
    ...server,
    databaseUrl,
    writeKey,
    readKey,
    newKey,
    revoke: (id) => revokeApiKey(db, id),
    call,
    deliver: async (bodies) => {
      for (const body of bodies) {
        // As Zoom does: a 503 (the inbox could not commit, e.g. SQLite's lock on a crowded machine) is retried.
        for (let attempt = 1; ; attempt++) {
          try {
            await postSigned(server.url, webhookSecret, body);
            break;
          } catch (error) {
            if (attempt >= 10 || !/answered 503/.test((error as Error).message)) throw error;
            await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
          }
        }
      }
    },
    settled: async () => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const pending = await countPendingInboxEvents(db);
        const marked = await db.selectFrom("instances").select("instance_uuid").where("needs_resolve", ">", 0).executeTakeFirst();
        if (pending === 0 && !marked) return;
        if (Date.now() > deadline) throw new Error("the pipeline did not settle within 60 s");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

const run = promisify(execFile);

/** Runs the `rollcall` CLI against a database; returns stdout. */
export async function rollcallCli(databaseUrl: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [...rollcallSources, ...args, "--database-url", databaseUrl], { env: { ...process.env, LOG_LEVEL: "silent" } });
  return stdout;
}

/** Encodes an instance uuid for a path, once. */
export const pathUuid = (uuid: string): string => encodeURIComponent(uuid);
