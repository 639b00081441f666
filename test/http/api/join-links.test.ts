/**
 * Join links through the API against the Zoom emulator (REST over HTTP, not a mock), on SQLite and
 * PostgreSQL: `POST /api/v1/join-links` registers the user with Zoom and `GET /join/{token}`
 * redirects to their personal join URL; an SDK link serves a page, rendered in Chromium, whose
 * Meeting SDK `join` call (intercepted) carries the user's display name and customer key; expired
 * and forged tokens get a page and 403.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../../src/emulator/rest/server.js";
import { ZoomWorld } from "../../../src/emulator/world.js";
import { signHostedJoinToken } from "../../../src/join-links/index.js";
import { createTestDatabase, eachDatabase, type TestDatabase } from "../../support/databases.js";
import { chromiumAvailable, launchChromium } from "./support/chromium.js";
import { startApiTestServer, type ApiTestServer } from "./support/api-test-server.js";

const clientId = "emulatedClientId";
const clientSecret = "emulatedClientSecret";
const sdkKey = "emulatedSdkKey";
const joinTokenSecret = "join-token-secret-for-tests-only";

interface Setup {
  world: ZoomWorld;
  emulator: RunningEmulator;
  server: ApiTestServer;
  meetingId: string;
}

async function setUp(databaseUrl: string): Promise<Setup> {
  const world = new ZoomWorld();
  const emulator = await startEmulator({ world, clientId, clientSecret, port: 0 });
  const server = await startApiTestServer(databaseUrl, {
    joinTokenSecret,
    joinLeaveUrl: "https://portal.example.com/left",
    zoom: { accountId: world.accountId, clientId, clientSecret, apiBaseUrl: emulator.apiBaseUrl, oauthUrl: emulator.url, sdkKey, sdkSecret: "emulatedSdkSecretEmulatedSdkSecret" },
  });
  const meetingId = String(world.createMeeting("me", { topic: "Interpreted session", type: 2, password: "s3cret", settings: { approval_type: 0 } }).id);
  const users = await server.call("POST", "/api/v1/users/import", {
    body: [
      { externalId: "u-dana", email: "dana@example.com", name: "Dana Example" },
      { externalId: "u-ivan", name: "Ivan Interpreter" },
    ],
  });
  expect(users.status).toBe(200);
  return { world, emulator, server, meetingId };
}

eachDatabase("API join links", (database) => {
  let s: Setup;
  beforeAll(async () => {
    s = await setUp(database().url);
  });
  afterAll(async () => {
    await s?.server.stop();
    await s?.emulator.close();
  });

  it("registers the user with Zoom and redirects the hosted join to their personal join URL", async () => {
    const issued = await s.server.call("POST", "/api/v1/join-links", { body: { meetingId: s.meetingId, externalId: "u-dana", kind: "registrant" } });
    expect(issued.status).toBe(201);
    expect(issued.json).toMatchObject({ externalId: "u-dana", kind: "registrant", method: "registrant_id", created: true, bundle: null });
    const registrant = s.world.findRegistrant(s.meetingId, issued.json.value);
    expect(registrant?.email).toBe("dana@example.com");
    expect(issued.json.zoomJoinUrl).toBe(registrant?.join_url);
    expect(issued.json.joinUrl).toMatch(new RegExp(`^${s.server.url}/join/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`));
    expect(Date.parse(issued.json.expiresAt)).toBeGreaterThan(Date.now());

    const hosted = await fetch(issued.json.joinUrl, { redirect: "manual" });
    expect(hosted.status).toBe(302);
    expect(hosted.headers.get("location")).toBe(registrant?.join_url);
    expect(hosted.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");

    // The link is stored as made by the API: the user is recognised when they join.
    const user = await s.server.call("GET", "/api/v1/users/u-dana");
    expect(user.json.registrants).toEqual([{ meetingId: s.meetingId, registrantId: issued.json.value }]);
  });

  it("issues SDK and name-token links and stores them; refuses unknown users, bad input and read-only keys", async () => {
    const sdk = await s.server.call("POST", "/api/v1/join-links", { body: { meetingId: s.meetingId, externalId: "u-ivan", kind: "sdk" } });
    expect(sdk.status).toBe(201);
    expect(sdk.json).toMatchObject({ kind: "sdk", method: "customer_key", zoomJoinUrl: null, bundle: { sdkKey, meetingNumber: s.meetingId, userName: "Ivan Interpreter", customerKey: sdk.json.value } });
    expect((await s.server.call("GET", "/api/v1/users/u-ivan")).json.customerKeys).toContain(sdk.json.value);

    const token = await s.server.call("POST", "/api/v1/join-links", { body: { meetingId: s.meetingId, externalId: "u-ivan", kind: "name-token" } });
    expect(token.status).toBe(201);
    expect(token.json.displayName).toMatch(/^Ivan Interpreter \[rc:[a-z0-9]+\]$/);
    expect(token.json.joinUrl).toBeNull();

    const unknown = await s.server.call("POST", "/api/v1/join-links", { body: { meetingId: s.meetingId, externalId: "nobody", kind: "sdk" } });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.details[0].path).toBe("body.externalId");
    const badKind = await s.server.call("POST", "/api/v1/join-links", { body: { meetingId: s.meetingId, externalId: "u-ivan", kind: "carrier-pigeon" } });
    expect(badKind.status).toBe(400);
    expect(badKind.json.error.details[0].path).toBe("body.kind");
    const badMeeting = await s.server.call("POST", "/api/v1/join-links", { body: { meetingId: "12", externalId: "u-ivan", kind: "sdk" } });
    expect(badMeeting.json.error.details[0].path).toBe("body.meetingId");
    expect((await s.server.call("POST", "/api/v1/join-links", { key: s.server.readKey, body: { meetingId: s.meetingId, externalId: "u-ivan", kind: "sdk" } })).status).toBe(403);
  });

  it("reuses the user's own customer key and registrant: repeated joins never pile them up", async () => {
    await s.server.call("PUT", "/api/v1/users/u-ines", { body: { name: "Ines Interpreter", customerKeys: ["ck-interp-ines"] } });
    const first = await s.server.call("POST", "/api/v1/join-links", { body: { meetingId: s.meetingId, externalId: "u-ines", kind: "sdk" } });
    const second = await s.server.call("POST", "/api/v1/join-links", { body: { meetingId: s.meetingId, externalId: "u-ines", kind: "sdk" } });
    for (const issued of [first, second]) expect(issued.json).toMatchObject({ value: "ck-interp-ines", created: false, bundle: { customerKey: "ck-interp-ines" } });
    expect((await s.server.call("GET", "/api/v1/users/u-ines")).json.customerKeys).toEqual(["ck-interp-ines"]);

    // A user without a key gets one, once.
    await s.server.call("PUT", "/api/v1/users/u-otto", { body: { name: "Otto Keyless" } });
    const made = await s.server.call("POST", "/api/v1/join-links", { body: { meetingId: s.meetingId, externalId: "u-otto", kind: "sdk" } });
    const again = await s.server.call("POST", "/api/v1/join-links", { body: { meetingId: s.meetingId, externalId: "u-otto", kind: "sdk" } });
    expect(made.json.created).toBe(true);
    expect(again.json).toMatchObject({ value: made.json.value, created: false });
    expect((await s.server.call("GET", "/api/v1/users/u-otto")).json.customerKeys).toEqual([made.json.value]);

    // A registrant without an e-mail (a synthetic one each time, before) is read back from Zoom, not registered again.
    const registered = await s.server.call("POST", "/api/v1/join-links", { body: { meetingId: s.meetingId, externalId: "u-otto", kind: "registrant" } });
    const reused = await s.server.call("POST", "/api/v1/join-links", { body: { meetingId: s.meetingId, externalId: "u-otto", kind: "registrant" } });
    expect(registered.json.created).toBe(true);
    expect(reused.json).toMatchObject({ value: registered.json.value, created: false, zoomJoinUrl: registered.json.zoomJoinUrl });
    expect(s.world.listRegistrants(s.meetingId).filter((r) => r.first_name === "Otto")).toHaveLength(1);
    expect((await s.server.call("GET", "/api/v1/users/u-otto")).json.registrants).toEqual([{ meetingId: s.meetingId, registrantId: registered.json.value }]);
  });

  it("serves the SDK page with a Content-Security-Policy: scripts from Rollcall only, Zoom's servers to connect to, no framing", async () => {
    const issued = await s.server.call("POST", "/api/v1/join-links", { body: { meetingId: s.meetingId, externalId: "u-ivan", kind: "sdk" } });
    const page = await fetch(issued.json.joinUrl);
    expect(page.status).toBe(200);
    const csp = Object.fromEntries((page.headers.get("content-security-policy") ?? "").split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1)]));
    expect(csp["frame-ancestors"]).toEqual(["'none'"]);
    expect(csp["script-src"]).toEqual(["'self'", "'unsafe-eval'", "'wasm-unsafe-eval'", "blob:"]); // no 'unsafe-inline', no other host
    expect(csp["connect-src"]).toEqual(expect.arrayContaining(["'self'", "wss://*.zoom.us"]));
    // Every script and stylesheet of the page is Rollcall's own (what 'self' allows), and the one inline script is JSON data.
    const html = await page.text();
    const sources = [...html.matchAll(/<(?:script src|link rel="stylesheet" href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(sources.length).toBeGreaterThan(5);
    expect(sources.every((src) => src.startsWith("/join-assets/"))).toBe(true);
    expect([...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)].map((m) => m[1])).toEqual([' id="rollcall-join" type="application/json"']);
  });

  it("lets the app set where the hosted SDK page sends the user after the meeting", async () => {
    const bundleOf = async (joinUrl: string) => JSON.parse(/<script id="rollcall-join" type="application\/json">(.*?)<\/script>/s.exec(await (await fetch(joinUrl)).text())![1]!) as { leaveUrl: string };
    const asked = await s.server.call("POST", "/api/v1/join-links", { body: { meetingId: s.meetingId, externalId: "u-ivan", kind: "sdk", leaveUrl: "https://app.example.com/after-the-call?room=7" } });
    expect(asked.status).toBe(201);
    expect((await bundleOf(asked.json.joinUrl)).leaveUrl).toBe("https://app.example.com/after-the-call?room=7");
    const plain = await s.server.call("POST", "/api/v1/join-links", { body: { meetingId: s.meetingId, externalId: "u-ivan", kind: "sdk" } });
    expect((await bundleOf(plain.json.joinUrl)).leaveUrl).toBe("https://portal.example.com/left"); // ROLLCALL_JOIN_LEAVE_URL
    const script = await s.server.call("POST", "/api/v1/join-links", { body: { meetingId: s.meetingId, externalId: "u-ivan", kind: "sdk", leaveUrl: "javascript:alert(1)" } });
    expect(script.status).toBe(400);
    expect(script.json.error.details[0].path).toBe("body.leaveUrl");
    const registrant = await s.server.call("POST", "/api/v1/join-links", { body: { meetingId: s.meetingId, externalId: "u-dana", kind: "registrant", leaveUrl: "https://app.example.com/" } });
    expect(registrant.status).toBe(400);
    expect(registrant.json.error.details[0].path).toBe("body.leaveUrl");
  });

  it("answers expired, forged and malformed hosted-join tokens with a page and 403", async () => {
    const expired = signHostedJoinToken({ kind: "registrant", meetingId: s.meetingId, externalId: "u-dana", joinUrl: "https://zoom.us/w/1?tk=x", expiresAt: Date.now() - 1000 }, joinTokenSecret);
    const forged = signHostedJoinToken({ kind: "registrant", meetingId: s.meetingId, externalId: "u-dana", joinUrl: "https://evil.example/", expiresAt: Date.now() + 60_000 }, "not-the-server-secret-at-all");
    const issued = await s.server.call("POST", "/api/v1/join-links", { body: { meetingId: s.meetingId, externalId: "u-dana", kind: "registrant" } });
    const token = issued.json.joinUrl.split("/join/")[1] as string;
    const [payload, mac] = token.split(".") as [string, string];
    const tampered = `${Buffer.from(Buffer.from(payload, "base64url").toString().replace("u-dana", "u-ivan")).toString("base64url")}.${mac}`;
    for (const [t, says] of [
      [expired, "expired"],
      [forged, "not valid"],
      [tampered, "not valid"],
      ["nonsense", "not valid"],
    ] as const) {
      const answer = await fetch(`${s.server.url}/join/${t}`, { redirect: "manual" });
      expect(answer.status, t).toBe(403);
      expect(answer.headers.get("content-type")).toMatch(/^text\/html/);
      expect(await answer.text()).toContain(says);
      // The page has no script: it allows none, and no framing.
      expect(answer.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    }
  });
});

// The browser half does not depend on the database: once, on SQLite.
describe("API join links: the SDK page in Chromium", () => {
  let s: Setup;
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    s = await setUp(database.url);
  });
  afterAll(async () => {
    await s?.server.stop();
    await s?.emulator.close();
    await database?.drop();
  });

  it.skipIf(!chromiumAvailable)(
    "loads the Meeting SDK from Rollcall and calls join with the user's display name and customer key",
    async () => {
      const issued = await s.server.call("POST", "/api/v1/join-links", { body: { meetingId: s.meetingId, externalId: "u-ivan", kind: "sdk" } });
      expect(issued.status).toBe(201);
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        const sdkRequests: Array<{ url: string; status: number }> = [];
        page.on("response", (response) => {
          if (response.url().includes("/join-assets/")) sdkRequests.push({ url: response.url(), status: response.status() });
        });
        // Nothing leaves the machine: Zoom's own servers are not reachable from a test.
        await page.route((url) => !url.href.startsWith(s.server.url), (route) => route.abort());
        // Wrap the real SDK's init and join when its script defines ZoomMtg: record the calls and
        // answer success instead of connecting to Zoom.
        await page.addInitScript(() => {
          const w = globalThis as unknown as Record<string, unknown>;
          w["__rollcallCalls"] = [];
          // What the page's Content-Security-Policy blocked, if anything.
          w["__cspViolations"] = [];
          const page = globalThis as unknown as { addEventListener(type: string, listener: (e: { violatedDirective: string; blockedURI: string }) => void): void };
          page.addEventListener("securitypolicyviolation", (e) => (w["__cspViolations"] as unknown[]).push(`${e.violatedDirective} ${e.blockedURI}`));
          let real: Record<string, unknown> | undefined;
          Object.defineProperty(globalThis, "ZoomMtg", {
            configurable: true,
            get: () => real,
            set: (sdk: Record<string, (...args: unknown[]) => unknown>) => {
              const record = (name: string) => (options: Record<string, unknown>) => {
                const { success, error: _error, ...args } = options as { success?: () => void; error?: unknown };
                (w["__rollcallCalls"] as unknown[]).push({ name, args });
                success?.();
              };
              real = new Proxy(sdk, { get: (target, key) => (key === "init" ? record("init") : key === "join" ? record("join") : Reflect.get(target, key)) });
            },
          });
        });
        const console: string[] = [];
        page.on("console", (message) => console.push(message.text()));
        page.on("pageerror", (error) => console.push(`pageerror: ${error.message}`));
        // A 5 MB SDK on a shared machine: generous timeouts.
        const answer = await page.goto(issued.json.joinUrl, { waitUntil: "domcontentloaded", timeout: 120_000 });
        expect(answer?.status()).toBe(200);
        await page.waitForFunction(() => ((globalThis as unknown as { __rollcallCalls: Array<{ name: string }> }).__rollcallCalls ?? []).some((c) => c.name === "join"), null, { timeout: 120_000 }).catch((error: Error) => {
          throw new Error(`${error.message}\nconsole: ${console.join("\n")}\nassets: ${JSON.stringify(sdkRequests)}`);
        });
        const calls = (await page.evaluate(() => (globalThis as unknown as { __rollcallCalls: unknown[] }).__rollcallCalls)) as Array<{ name: string; args: Record<string, unknown> }>;
        const join = calls.find((c) => c.name === "join")!.args;
        expect(join).toMatchObject({ meetingNumber: s.meetingId, userName: "Ivan Interpreter", customerKey: issued.json.value, passWord: "s3cret" });
        // The signature is a Meeting SDK JWT for this meeting, signed with the SDK key's app.
        const claims = JSON.parse(Buffer.from(String(join["signature"]).split(".")[1]!, "base64url").toString());
        expect(claims).toMatchObject({ appKey: sdkKey, sdkKey, mn: s.meetingId, role: 0 });
        expect(await page.textContent("#rollcall-status")).toBe("Joined.");
        // The SDK ran under the page's policy (its WebAssembly and workers included): nothing was refused.
        await page.waitForLoadState("networkidle", { timeout: 60_000 }).catch(() => undefined);
        expect(await page.evaluate(() => (globalThis as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual([]);
        expect(console.filter((line) => /Content Security Policy/i.test(line))).toEqual([]);
        // The real SDK and its vendor scripts came from Rollcall itself.
        expect(sdkRequests.find((r) => /zoom-meeting-[\d.]+\.min\.js$/.test(r.url))?.status).toBe(200);
        expect(sdkRequests.filter((r) => r.url.includes("/lib/vendor/")).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
        expect(sdkRequests.filter((r) => r.status >= 400)).toEqual([]);
        expect(await page.evaluate(() => typeof (globalThis as unknown as { ZoomMtg: { setZoomJSLib?: unknown } }).ZoomMtg.setZoomJSLib)).toBe("function");
      } finally {
        await browser.close();
      }
    },
    300_000,
  );
});
