import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";

/**
 * Where webhooks may go. By default only public unicast addresses: loopback, private, link-local,
 * carrier NAT, unique-local, unspecified, multicast, documentation and other special-purpose
 * ranges are refused, and so are cloud metadata services, so an endpoint cannot make Rollcall
 * reach into its own network. An IPv6 address that carries an IPv4 one (IPv4-mapped, -translated,
 * -compatible, NAT64 `64:ff9b::/96`, 6to4) is judged by that IPv4 address. The classification is
 * ipaddr.js's (its `range()`); only the policy is Rollcall's. `ROLLCALL_WEBHOOK_ALLOW_PRIVATE=1`
 * lifts all this (tests on loopback, an app on the same private network).
 */
const metadataHosts = new Set(["metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal"]);

const allowHint = "(set ROLLCALL_WEBHOOK_ALLOW_PRIVATE=1 to allow private addresses)";

/** An address a webhook may not be sent to, and why. */
export class RefusedDestinationError extends Error {
  override name = "RefusedDestinationError";
  readonly code = "ERR_ROLLCALL_REFUSED_DESTINATION";
}

/** Words for ipaddr.js's range names, as an operator reads them. */
const rangeWords: Record<string, string> = {
  loopback: "loopback",
  private: "private",
  uniqueLocal: "private (unique-local)",
  carrierGradeNat: "private (carrier-grade NAT)",
  linkLocal: "link-local (cloud metadata lives there)",
  deprecatedSiteLocal: "private (site-local)",
  unspecified: "unspecified",
  multicast: "multicast",
  broadcast: "broadcast",
};

/** Why this address may not receive webhooks, or undefined when it is public. */
export function refusedAddressReason(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return "not an IP address";
  const ip = ipaddr.parse(address);
  if (ip.kind() === "ipv4") return ipv4Reason(ip as ipaddr.IPv4);
  const ipv6 = ip as ipaddr.IPv6;
  const embedded = embeddedIPv4(ipv6);
  if (embedded === "unknown") return "special-purpose (a NAT64 local-use prefix, 64:ff9b:1::/48, whose IPv4 part cannot be told)";
  if (embedded !== undefined) {
    const reason = ipv4Reason(embedded);
    return reason === undefined ? undefined : `${reason} (IPv4 ${embedded.toString()} inside an IPv6 address)`;
  }
  const range = ipv6.range();
  return range === "unicast" ? undefined : (rangeWords[range] ?? `special-purpose (${range})`);
}

function ipv4Reason(ip: ipaddr.IPv4): string | undefined {
  const range = ip.range();
  return range === "unicast" ? undefined : (rangeWords[range] ?? `reserved or special-purpose (${range})`);
}

const ipv4Compatible = ipaddr.parseCIDR("::/96");
const nat64WellKnown = ipaddr.parseCIDR("64:ff9b::/96");

/**
 * The IPv4 address an IPv6 one stands for, where the range says where it sits; "unknown" for the
 * NAT64 local-use prefix (the operator chooses where the IPv4 part goes).
 */
function embeddedIPv4(ip: ipaddr.IPv6): ipaddr.IPv4 | "unknown" | undefined {
  const bytes = ip.toByteArray();
  const last32 = () => new ipaddr.IPv4(bytes.slice(12, 16));
  const range = ip.range();
  if (range === "ipv4Mapped" || range === "rfc6145") return last32();
  if (range === "rfc6052") return ip.match(nat64WellKnown) ? last32() : "unknown";
  if (range === "6to4") return new ipaddr.IPv4(bytes.slice(2, 6));
  // `::/96` (IPv4-compatible, deprecated): `::` and `::1` are judged as themselves.
  if (range === "unicast" && ip.match(ipv4Compatible)) return last32();
  return undefined;
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

/** Refuses a metadata or local host name, or a literal address that is not public. */
function checkHost(hostname: string): void {
  // A trailing dot names the same host ("localhost." is localhost).
  const host = hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
  if (metadataHosts.has(host) || host === "localhost" || host.endsWith(".localhost")) {
    throw new RefusedDestinationError(`url: "${host}" is a local or metadata address ${allowHint}`);
  }
  if (isIP(host) === 0) return;
  const reason = refusedAddressReason(host);
  if (reason !== undefined) throw new RefusedDestinationError(`url: ${host} is not a public address: ${reason} ${allowHint}`);
}

/**
 * A socket `lookup` that resolves as usual and then refuses the connection when any address the
 * name resolves to is not public. On the agent, it runs for every connection actually made, so a
 * name that was public when added, or at the last check, cannot point inside later (DNS rebinding).
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, [], undefined);
    const refused = addresses.find((a) => refusedAddressReason(a.address) !== undefined);
    if (refused !== undefined) {
      return callback(new RefusedDestinationError(`${hostname} resolves to an address that is not public: ${refusedAddressReason(refused.address)} ${allowHint}`), [], undefined);
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (first === undefined) return callback(Object.assign(new Error(`${hostname}: no address`), { code: "ENOTFOUND" }), [], undefined);
    callback(null, first.address, first.family);
  });
};

/**
 * What a connection to `url` needs to stay on public addresses: the host name or literal checked
 * now (literals never reach a `lookup`), and the `lookup` to connect with. Throws
 * {@link RefusedDestinationError}. With private addresses allowed, nothing is checked.
 */
export function guardConnection(url: URL, options: { allowPrivate: boolean }): { lookup?: LookupFunction } {
  if (options.allowPrivate) return {};
  checkHost(url.hostname);
  return { lookup: guardedLookup };
}

/**
 * Checks, now, the endpoint's host and every address its name resolves to (what a delivery's
 * connection checks again). Throws {@link RefusedDestinationError}.
 */
export async function checkDestination(url: string, options: { allowPrivate: boolean }): Promise<void> {
  const parsed = new URL(url);
  const { lookup } = guardConnection(parsed, options);
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  if (lookup === undefined || isIP(host) !== 0) return;
  await new Promise<void>((resolve, reject) => lookup(host, {}, (error) => (error ? reject(error) : resolve())));
}
