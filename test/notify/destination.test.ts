import { describe, expect, it } from "vitest";
import { checkDestination, checkEndpointUrl, nextAttemptDelayMs } from "../../src/notify/index.js";

describe("webhook destinations", () => {
  it("accept public http(s) URLs", () => {
    expect(checkEndpointUrl("https://app.example.com/hooks", { allowPrivate: false })).toBe("https://app.example.com/hooks");
    expect(checkEndpointUrl("http://203.0.113.7:8080/x", { allowPrivate: false })).toBe("http://203.0.113.7:8080/x");
  });

  it.each([
    ["http://169.254.169.254/latest/meta-data", /metadata/],
    ["http://metadata.google.internal/computeMetadata/v1", /metadata/],
    ["http://[fe80::1]/", /link-local/],
    ["http://[fd00:ec2::254]/", /private/],
    ["http://127.0.0.1:9000/", /loopback/],
    ["http://localhost:9000/", /local/],
    ["http://10.1.2.3/", /private/],
    ["http://[::ffff:192.168.1.1]/", /private/],
  ])("refuse %s unless private addresses are allowed", (url, message) => {
    expect(() => checkEndpointUrl(url, { allowPrivate: false })).toThrow(message);
    expect(checkEndpointUrl(url, { allowPrivate: true })).toBe(new URL(url).toString());
  });

  it("name the field for a bad URL or scheme", () => {
    expect(() => checkEndpointUrl("not a url", { allowPrivate: true })).toThrow(/^url: expected an absolute http\(s\) URL/);
    expect(() => checkEndpointUrl("ftp://example.com/", { allowPrivate: true })).toThrow(/^url: expected an http or https URL/);
    expect(() => checkEndpointUrl("https://user:pw@example.com/", { allowPrivate: true })).toThrow(/^url: credentials/);
  });

  it("refuse, at delivery, a host name that resolves to a loopback address", async () => {
    await expect(checkDestination("http://localhost.:9000/", { allowPrivate: false })).rejects.toThrow(/loopback|local/);
    await expect(checkDestination("http://localhost.:9000/", { allowPrivate: true })).resolves.toBeUndefined();
  });
});

describe("retry schedule", () => {
  it("waits the scheduled seconds with ±20 % jitter, then gives up", () => {
    const schedule = [0, 5, 300];
    expect(nextAttemptDelayMs(schedule, 1, () => 0.5)).toBe(5000);
    expect(nextAttemptDelayMs(schedule, 1, () => 0)).toBe(4000);
    expect(nextAttemptDelayMs(schedule, 2, () => 1)).toBe(360_000);
    expect(nextAttemptDelayMs(schedule, 3)).toBeUndefined();
  });
});
