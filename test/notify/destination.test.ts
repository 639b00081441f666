import { describe, expect, it } from "vitest";
import { checkDestination, checkEndpointUrl, nextAttemptDelayMs, refusedAddressReason } from "../../src/notify/index.js";
import { embeddedLoopbackUrls } from "./support/refused-urls.js";

describe("webhook destinations", () => {
  it("accept public http(s) URLs", () => {
    expect(checkEndpointUrl("https://app.example.com/hooks", { allowPrivate: false })).toBe("https://app.example.com/hooks");
    expect(checkEndpointUrl("http://93.184.215.14:8080/x", { allowPrivate: false })).toBe("http://93.184.215.14:8080/x");
    expect(checkEndpointUrl("http://[2606:4700::1111]/x", { allowPrivate: false })).toBe("http://[2606:4700::1111]/x");
    // An IPv6 form of a public IPv4 address is that address (DNS64 answers 64:ff9b::/96 on IPv6-only networks).
    expect(checkEndpointUrl("http://[64:ff9b::8.8.8.8]/", { allowPrivate: false })).toBe("http://[64:ff9b::808:808]/");
    expect(checkEndpointUrl("http://[::ffff:8.8.8.8]/", { allowPrivate: false })).toBe("http://[::ffff:808:808]/");
  });

  it.each(embeddedLoopbackUrls())("refuse %s: an IPv6 literal carrying the loopback IPv4 address", (url) => {
    expect(() => checkEndpointUrl(url, { allowPrivate: false })).toThrow(/^url: .* is not a public address: loopback \(IPv4 127\.0\.0\.1 inside an IPv6 address\)/);
    expect(checkEndpointUrl(url, { allowPrivate: true })).toBe(new URL(url).toString());
  });

  it.each([
    ["0.0.0.0", /unspecified/],
    ["100.64.0.1", /carrier-grade NAT/],
    ["172.16.5.4", /private/],
    ["192.168.0.1", /private/],
    ["224.0.0.1", /multicast/],
    ["255.255.255.255", /broadcast/],
    ["240.0.0.1", /reserved/],
    ["192.0.2.1", /reserved/], // documentation
    ["198.18.0.1", /reserved/], // benchmarking
    ["::", /unspecified/],
    ["::1", /loopback/],
    ["::a00:1", /private.*10\.0\.0\.1/], // IPv4-compatible ::/96
    ["64:ff9b::a9fe:a9fe", /link-local.*169\.254\.169\.254/], // NAT64 to the metadata service
    ["64:ff9b:1::808:808", /NAT64 local-use/], // where the IPv4 sits is the network's choice: refused whatever it is
    ["2002:a00:1::", /private.*10\.0\.0\.1/], // 6to4
    ["2001::1", /special-purpose/], // Teredo
    ["100::1", /special-purpose \(discard\)/],
    ["fc00::1", /unique-local/],
    ["fd12:3456::1", /unique-local/],
    ["fe80::1", /link-local/],
    ["fec0::1", /site-local/],
    ["ff02::1", /multicast/],
    ["2001:db8::1", /special-purpose/],
  ])("classify %s as not public", (address, reason) => {
    expect(refusedAddressReason(address)).toMatch(reason);
  });

  it.each(["8.8.8.8", "93.184.215.14", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"])("classify %s as public", (address) => {
    expect(refusedAddressReason(address)).toBeUndefined();
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

  it("refuse local and metadata host names, with or without the trailing dot, at registration and at delivery", async () => {
    for (const url of ["http://localhost.:9000/", "http://metadata.google.internal./x", "http://app.localhost/"]) {
      expect(() => checkEndpointUrl(url, { allowPrivate: false })).toThrow(/is a local or metadata address/);
      await expect(checkDestination(url, { allowPrivate: false })).rejects.toThrow(/is a local or metadata address/);
      await expect(checkDestination(url, { allowPrivate: true })).resolves.toBeUndefined();
    }
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
