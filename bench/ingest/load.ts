import { request, Agent } from "node:http";

/** One pre-signed delivery. */
export interface PreparedRequest {
  body: string;
  timestamp: string;
  signature: string;
}

/** What a load run measured. */
export interface LoadResult {
  requests: number;
  non2xx: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

export interface LoadOptions {
  url: string;
  requests: PreparedRequest[];
  connections: number;
  seconds: number;
}

/**
 * A keep-alive HTTP load generator: `connections` loops, each sending the next pre-signed request as
 * soon as the previous answer arrives, for a fixed time. Plain node:http, so the bench needs nothing
 * installed. (Debian's wrk 4.1.0 was tried: it reported every scripted POST as non-2xx.)
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const target = new URL(`${options.url}/webhooks/zoom`);
  const latencies: number[] = [];
  let non2xx = 0;
  let next = 0;
  const deadline = performance.now() + options.seconds * 1000;
  const send = (r: PreparedRequest) =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        { host: target.hostname, port: target.port, path: target.pathname, method: "POST", agent, headers: {
          "content-type": "application/json; charset=utf-8",
          "content-length": Buffer.byteLength(r.body),
          "x-zm-request-timestamp": r.timestamp,
          "x-zm-signature": r.signature,
        } },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", reject);
      req.end(r.body);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      while (performance.now() < deadline) {
        const r = options.requests[next++ % options.requests.length]!;
        const t = performance.now();
        const status = await send(r);
        latencies.push(performance.now() - t);
        if (status < 200 || status >= 300) non2xx += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    non2xx,
    rps: latencies.length / elapsed,
    p50Ms: latencies[Math.floor(latencies.length * 0.5)] ?? NaN,
    p99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? NaN,
  };
}

