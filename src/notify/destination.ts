import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

/**
 * Where webhooks may go. By default only public addresses: loopback, private, link-local, carrier
 * NAT, unique-local and unspecified addresses are refused, and so are cloud metadata services, so
 * an endpoint cannot make Rollcall reach into its own network. `ROLLCALL_WEBHOOK_ALLOW_PRIVATE=1`
 * lifts this (tests on loopback, an app on the same private network).
 */
const refused = new BlockList();
refused.addSubnet("0.0.0.0", 8, "ipv4");
refused.addSubnet("10.0.0.0", 8, "ipv4");
refused.addSubnet("100.64.0.0", 10, "ipv4");
refused.addSubnet("127.0.0.0", 8, "ipv4");
refused.addSubnet("169.254.0.0", 16, "ipv4"); // link-local, AWS/GCP/Azure metadata (169.254.169.254)
refused.addSubnet("172.16.0.0", 12, "ipv4");
refused.addSubnet("192.168.0.0", 16, "ipv4");
refused.addSubnet("224.0.0.0", 3, "ipv4"); // multicast and reserved
refused.addAddress("::", "ipv6");
refused.addAddress("::1", "ipv6");
refused.addSubnet("fc00::", 7, "ipv6"); // unique local (AWS metadata fd00:ec2::254 included)
refused.addSubnet("fe80::", 10, "ipv6"); // link-local
refused.addSubnet("ff00::", 8, "ipv6");

const metadataHosts = new Set(["metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal"]);

/** An address a webhook may not be sent to, and why. */
export class RefusedDestinationError extends Error {
  override name = "RefusedDestinationError";
}

function refusedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return refused.check(address, "ipv4");
  if (family === 6) {
    // IPv4-mapped IPv6 (::ffff:10.0.0.1) is the IPv4 address.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return refused.check(mapped[1]!, "ipv4");
    return refused.check(address, "ipv6");
  }
  return false;
}

/**
 * Checks an endpoint URL when it is added: `http` or `https`, no credentials in it, and (unless
 * private addresses are allowed) not a refused literal address or metadata host name. Returns the
 * normalised URL.
 */
export function checkEndpointUrl(value: string, options: { allowPrivate: boolean }): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`url: expected an absolute http(s) URL, got "${value}"`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error(`url: expected an http or https URL, got "${url.protocol}"`);
  if (url.username !== "" || url.password !== "") throw new Error("url: credentials in the URL are not accepted (the signature authenticates Rollcall)");
  if (!options.allowPrivate) checkHost(url.hostname);
  return url.toString();
}

function checkHost(hostname: string): void {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (metadataHosts.has(host) || host === "localhost" || host.endsWith(".localhost")) {
    throw new RefusedDestinationError(`url: "${host}" is a local or metadata address (set ROLLCALL_WEBHOOK_ALLOW_PRIVATE=1 to allow private addresses)`);
  }
  if (isIP(host) !== 0 && refusedAddress(host)) {
    throw new RefusedDestinationError(`url: ${host} is a loopback, private, link-local or metadata address (set ROLLCALL_WEBHOOK_ALLOW_PRIVATE=1 to allow it)`);
  }
}

/**
 * Checks, just before a delivery, every address the endpoint's host name resolves to now (a name
 * that was public when added may point inside later). Throws {@link RefusedDestinationError}.
 */
export async function checkDestination(url: string, options: { allowPrivate: boolean }): Promise<void> {
  if (options.allowPrivate) return;
  const { hostname } = new URL(url);
  checkHost(hostname);
  const host = hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) !== 0) return;
  const addresses = await lookup(host, { all: true });
  for (const { address } of addresses) {
    if (refusedAddress(address)) throw new RefusedDestinationError(`${host} resolves to a loopback, private, link-local or metadata address`);
  }
}
