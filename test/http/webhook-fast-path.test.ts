/**
 * The node:http fast path and the Fastify route answer webhook deliveries alike: the same status,
 * body and headers for every kind of delivery. A content type the fast path leaves to Fastify
 * (`APPLICATION/JSON`, which Fastify accepts) sends the same delivery down the other road; the
 * request id in the refusal log line tells which road it took.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";
import { startTestServer, type TestServer } from "./support/rollcall-server.js";
import { joinedBody, signedDelivery, type Delivery } from "./support/signed-delivery.js";

const secret = "fast-path-secret";
let database: TestDatabase;
let server: TestServer;

beforeAll(async () => {
  database = await createTestDatabase("sqlite");
  server = await startTestServer(database.url, { webhookSecrets: [secret], bodyLimitBytes: 2048 });
});
afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

async function send(delivery: Delivery, contentType: string): Promise<Answer> {
  const response = await fetch(`${server.url}/webhooks/zoom`, { method: "POST", headers: { ...delivery.headers, "content-type": contentType }, body: delivery.body });
  const headers: Record<string, string> = {};
  for (const name of ["content-type", "content-length", "retry-after", "connection", "keep-alive"]) {
    const value = response.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  return { status: response.status, body: await response.text(), headers };
}

/** The answer by each road: the fast path (plain content type), then Fastify (same media type, upper case). */
async function bothRoads(make: () => Delivery): Promise<[Answer, Answer]> {
  return [await send(make(), "application/json; charset=utf-8"), await send(make(), "APPLICATION/JSON; charset=utf-8")];
}

it("answers each kind of delivery the same by both roads", async () => {
  const challenge = JSON.stringify({ event: "endpoint.url_validation", payload: { plainToken: "qgg8vlvZRS6UYooatFL8Aw" } });
  const cases: Array<[string, () => Delivery]> = [
    ["bad signature", () => signedDelivery("wrong", joinedBody())],
    ["stale timestamp", () => signedDelivery(secret, joinedBody(), { timestamp: String(Math.floor(Date.now() / 1000) - 3600) })],
    ["no timestamp", () => ({ body: joinedBody(), headers: { "x-zm-signature": "v0=00" } })],
    ["not JSON", () => signedDelivery(secret, '{"event":')],
    ["not an event", () => signedDelivery(secret, "[1]")],
    ["URL validation", () => signedDelivery(secret, challenge)],
    ["too large", () => signedDelivery(secret, JSON.stringify({ event: "x", pad: "p".repeat(4000) }))],
    ["empty", () => signedDelivery(secret, "")],
  ];
  for (const [name, make] of cases) {
    const [fast, fastify] = await bothRoads(make);
    expect(fast, name).toEqual(fastify);
  }
});

it("stores by either road, and a redelivery by the other road is a duplicate of the same row", async () => {
  const body = joinedBody();
  const fast = await send(signedDelivery(secret, body), "application/json");
  const fastify = await send(signedDelivery(secret, body), "Application/Json");
  expect(JSON.parse(fast.body)).toMatchObject({ status: "stored" });
  expect(JSON.parse(fastify.body)).toEqual({ status: "duplicate", id: JSON.parse(fast.body).id });
  expect({ ...fastify.headers, "content-length": "" }).toEqual({ ...fast.headers, "content-length": "" });
});

it("takes the usual deliveries by the fast path and leaves other spellings to Fastify", async () => {
  await send(signedDelivery("wrong", joinedBody()), "application/json");
  await send(signedDelivery("wrong", joinedBody()), "application/JSON");
  const refusals = server
    .output()
    .split("\n")
    .filter((line) => line.includes("webhook refused"))
    .map((line) => JSON.parse(line) as { reqId: string });
  expect(refusals.at(-2)!.reqId).toMatch(/^wh-/);
  expect(refusals.at(-1)!.reqId).toMatch(/^req-/);
});
