// The coturn flags a deployment adds so that a relay handed out by the tracker reaches only the open internet:
// never the relay host's loopback, the networks behind it (private, carrier-grade NAT, link-local with the cloud's
// metadata service at 169.254.169.254), nor multicast, and within quotas. `node signal-tracker --coturn-flags` prints
// them, docs/deploying.md's command uses that output, and coturn.process.test.ts starts a real coturn with them.
// coturn takes ranges as `first-last`, not CIDR.

/** Address ranges a relayed allocation may not reach (IPv4, then IPv6). */
export const DENIED_PEER_RANGES = [
  '0.0.0.0-0.255.255.255', // "this network"
  '10.0.0.0-10.255.255.255', // private
  '100.64.0.0-100.127.255.255', // carrier-grade NAT
  '127.0.0.0-127.255.255.255', // loopback
  '169.254.0.0-169.254.255.255', // link-local, cloud metadata
  '172.16.0.0-172.31.255.255', // private
  '192.0.0.0-192.0.0.255', // IETF protocol assignments
  '192.168.0.0-192.168.255.255', // private
  '198.18.0.0-198.19.255.255', // benchmarking, used inside some networks
  '240.0.0.0-255.255.255.255', // reserved and broadcast
  // Loopback. Not `::` (unspecified): coturn 4.6 then refuses every IPv4 peer too, and it is no peer anyway.
  '::1',
  '::ffff:0.0.0.0-::ffff:255.255.255.255', // IPv4-mapped: the IPv4 ranges again by another name
  '64:ff9b::-64:ff9b::ffff:ffff', // NAT64: IPv4 through the local translator
  'fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', // unique local
  'fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff', // link-local
];

/**
 * Allocations at once per credential (a tab's connections, 30 peers a torrent, one allocation per TURN URL), in all
 * (size it to the relay's bandwidth), and bytes per second per allocation (10 Mbit/s).
 */
export const COTURN_QUOTAS = { userQuota: 60, totalQuota: 2000, maxBytesPerSecond: 1_250_000 };

/** The flags, one a line: peers denied, no multicast, no TCP relay (WebRTC relays UDP), the quotas. */
export function coturnPeerFlags(): string[] {
  return [
    ...DENIED_PEER_RANGES.map((range) => `--denied-peer-ip=${range}`),
    '--no-multicast-peers',
    '--no-tcp-relay',
    `--user-quota=${COTURN_QUOTAS.userQuota}`,
    `--total-quota=${COTURN_QUOTAS.totalQuota}`,
    `--max-bps=${COTURN_QUOTAS.maxBytesPerSecond}`,
  ];
}
