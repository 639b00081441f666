/**
 * Login CSRF: a page elsewhere must not sign a visitor in with the attacker's key (their clicks
 * would then land in the attacker's account), nor sign them out. Both forms need the CSRF token
 * the sign-in page handed out with its cookie.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../../src/api-keys/index.js";
import { dashboard } from "../../../src/http/dashboard/index.js";
import { migrateToLatest, openDatabase, type RollcallDatabase } from "../../../src/store/index.js";

let dir: string;
let store: RollcallDatabase;
let app: FastifyInstance;
let apiKey: string;

/** The cookies a response sets, as one `cookie` request header. */
const cookiesOf = (response: LightMyRequestResponse): string =>
  response.cookies.map((c) => `${c.name}=${c.value}`).join("; ");

/** What a visitor's browser holds after opening the sign-in page: its cookie and the form's token. */
async function signInPage(): Promise<{ cookie: string; token: string }> {
  const page = await app.inject({ method: "GET", url: "/" });
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  return { cookie: cookiesOf(page), token };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const formHeaders = (cookie: string) => ({ "content-type": "application/x-www-form-urlencoded", cookie });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "rollcall-csrf-"));
  mkdirSync(join(dir, "web", "assets"), { recursive: true });
  store = await openDatabase(`sqlite:${join(dir, "rollcall.db")}`);
  await migrateToLatest(store);
  apiKey = (await createApiKey(store.db, { name: "coordinator" })).key;
  app = Fastify();
  await app.register(dashboard, { store, secret: "a-dashboard-secret-of-some-length", webRoot: join(dir, "web") });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("dashboard sign-in and sign-out need the sign-in page's CSRF token", () => {
  it("refuses a sign-in posted without the token (another site's form), and sets no session", async () => {
    const response = await app.inject({ method: "POST", url: "/dashboard/sign-in", headers: formHeaders(""), payload: form({ apiKey }) });
    expect(response.statusCode).toBe(403);
    expect(response.cookies.find((c) => c.name === "rollcall_session")).toBeUndefined();
  });

  it("refuses a sign-in whose token belongs to another visitor's cookie", async () => {
    const mine = await signInPage();
    const theirs = await signInPage();
    const response = await app.inject({ method: "POST", url: "/dashboard/sign-in", headers: formHeaders(mine.cookie), payload: form({ apiKey, _csrf: theirs.token }) });
    expect(response.statusCode).toBe(403);
  });

  it("signs in with the page's token, and signs out only with one", async () => {
    const visitor = await signInPage();
    const signedIn = await app.inject({ method: "POST", url: "/dashboard/sign-in", headers: formHeaders(visitor.cookie), payload: form({ apiKey, _csrf: visitor.token }) });
    expect(signedIn.statusCode).toBe(303);
    const session = signedIn.cookies.find((c) => c.name === "rollcall_session");
    expect(session?.value).toBeTruthy();
    const cookie = `${visitor.cookie}; rollcall_session=${session!.value}`;

    const forged = await app.inject({ method: "POST", url: "/dashboard/sign-out", headers: formHeaders(cookie), payload: form({}) });
    expect(forged.statusCode).toBe(403);
    expect(forged.cookies.find((c) => c.name === "rollcall_session")).toBeUndefined();

    const signedOut = await app.inject({ method: "POST", url: "/dashboard/sign-out", headers: formHeaders(cookie), payload: form({ _csrf: visitor.token }) });
    expect(signedOut.statusCode).toBe(303);
    expect(signedOut.cookies.find((c) => c.name === "rollcall_session")?.value).toBe("");
  });
});
