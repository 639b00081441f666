/**
 * An app's webhook receiver for the tests: a real HTTP server on a port the OS chooses that
 * verifies every delivery with the `standardwebhooks` package (what an app would use) and answers
 * as the test tells it: fail, hang, or go down altogether for a while.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Webhook } from "standardwebhooks";

/** One request as the receiver saw it. */
export interface Delivery {
  id: string;
  timestamp: number;
  /** The standard library accepted the signature. */
  verified: boolean;
  type: string;
  body: { type: string; timestamp: string; data: Record<string, any> };
  /** What the receiver answered (0: it hung up without answering). */
  answered: number;
  at: number;
}

export interface Receiver {
  url: string;
  /** Every request, in arrival order. */
  deliveries: Delivery[];
  /** Requests answered 2xx, once per webhook-id (the first success). */
  accepted(): Delivery[];
  /** Set once the endpoint exists (the secret is known only then). */
  secret: string | undefined;
  /** Decides the answer: a status, or "hang" (never answer). Default 204. */
  respond: (delivery: Delivery, attemptOfId: number) => number | "hang";
  /** Stops listening and drops open connections (connection refused until `up`). */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const sockets = new Set<Socket>();
  const seen = new Map<string, number>();
  const receiver: Receiver = {
    url: "",
    deliveries: [],
    secret: undefined,
    respond: () => 204,
    accepted() {
      const first = new Map<string, Delivery>();
      for (const d of receiver.deliveries) if (d.answered >= 200 && d.answered < 300 && !first.has(d.id)) first.set(d.id, d);
      return [...first.values()];
    },
    down: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
    up: async () => {
      server = makeServer();
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => resolve());
      });
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  function handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const headers = Object.fromEntries(["webhook-id", "webhook-timestamp", "webhook-signature"].map((h) => [h, String(request.headers[h] ?? "")]));
      let verified = false;
      try {
        new Webhook(receiver.secret ?? "whsec_AAAA").verify(raw, headers);
        verified = true;
      } catch {
        verified = false;
      }
      const body = JSON.parse(raw) as Delivery["body"];
      const delivery: Delivery = { id: headers["webhook-id"]!, timestamp: Number(headers["webhook-timestamp"]), verified, type: body.type, body, answered: 0, at: Date.now() };
      receiver.deliveries.push(delivery);
      const attempt = (seen.get(delivery.id) ?? 0) + 1;
      seen.set(delivery.id, attempt);
      const answer = verified ? receiver.respond(delivery, attempt) : 401;
      if (answer === "hang") return;
      delivery.answered = answer;
      response.writeHead(answer).end();
    });
  }

  function makeServer(): Server {
    const s = createServer(handle);
    s.on("connection", (socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    return s;
  }

  let server = makeServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${port}/hooks`;
  return receiver;
}

/** Polls `check` until it returns true (or throws the last failure after `timeoutMs`). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
