/**
 * A client that trickles its request keeps a socket only up to the request timeout: it is answered
 * 408 and disconnected (issue 14 item 7). A plainToken too long is told so (item 9).
 */
import { connect } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";
import { startTestServer, type TestServer } from "./support/rollcall-server.js";
import { post, signedDelivery } from "./support/signed-delivery.js";

const secret = "request-timeout-secret";
let database: TestDatabase;
let server: TestServer;

beforeAll(async () => {
  database = await createTestDatabase("sqlite");
  server = await startTestServer(database.url, { webhookSecrets: [secret], requestTimeoutSeconds: 1 });
});
afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

/** Sends `head`, then one byte of body every `everyMs`; resolves with what the server answered and when the socket closed. */
function trickle(head: string, everyMs: number): Promise<{ answer: string; closedAfterMs: number }> {
  const { port, hostname } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(Number(port), hostname);
    let answer = "";
    let timer: NodeJS.Timeout | undefined;
    socket.on("connect", () => {
      socket.write(head);
      timer = setInterval(() => socket.writable && socket.write("x"), everyMs);
    });
    socket.on("data", (chunk) => (answer += chunk.toString()));
    socket.on("error", () => {}); // a reset after the 408 is fine
    socket.on("close", () => {
      clearInterval(timer);
      resolve({ answer, closedAfterMs: performance.now() - started });
    });
    setTimeout(() => reject(new Error("the socket was still open after 10 s")), 10_000).unref();
  });
}

it("answers 408 and closes a request whose body trickles in slower than the timeout", async () => {
  const head = `POST /webhooks/zoom HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`;
  const { answer, closedAfterMs } = await trickle(head, 200);
  expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  // 1 s timeout, checked every second at most.
  expect(closedAfterMs).toBeLessThan(3000);
});

it("cuts slow headers the same way", async () => {
  const { answer, closedAfterMs } = await trickle("POST /webhooks/zoom HTTP/1.1\r\nHost: x\r\nX-Slow: ", 200);
  expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  expect(closedAfterMs).toBeLessThan(3000);
});

it("still serves a normal request", async () => {
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
});

it("tells a plainToken that is too long by its limit, not as missing", async () => {
  const response = await post(server.url, signedDelivery(secret, JSON.stringify({ event: "endpoint.url_validation", payload: { plainToken: "t".repeat(1025) } })));
  expect(response).toMatchObject({ status: 400, body: { message: "payload.plainToken: expected at most 1024 characters" } });
});
