/**
 * The adversarial probe's IPv6 literals that carry the loopback IPv4 address (`::/96`,
 * `::ffff:0:0/96`, NAT64 `64:ff9b::/96`), and their kin (IPv4-mapped, 6to4): each must be refused
 * at registration and at delivery. A function of the port, so a delivery test can aim at its receiver.
 */
export const embeddedLoopbackUrls = (port = 80): string[] =>
  ["[::127.0.0.1]", "[::ffff:0:127.0.0.1]", "[64:ff9b::127.0.0.1]", "[::ffff:127.0.0.1]", "[2002:7f00:1::1]"].map((host) => `http://${host}:${port}/hooks`);
