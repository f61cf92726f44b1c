// The limits a stranger runs into, as command-line flags and environment variables: the table, its usage text,
// and the reading of every limit.
import { parseLimit, type OptionSource } from './cli-values';

/** The limits a stranger runs into, each a flag and an environment variable (see docs/security.md). */
export interface CliLimits {
  maxConnections: number;
  maxConnectionsPerAddress: number;
  maxMessagesPerSecond: number;
  maxMessagesPerSecondPerAddress: number;
  maxSwarmsPerConnection: number;
  maxPeersPerSwarm: number;
  maxPendingOffersPerConnection: number;
  offerTtlSeconds: number;
  announceTimeoutSeconds: number;
  maxFrameBytes: number;
  maxBufferedBytes: number;
  maxUnfinishedRequests: number;
  maxUnfinishedRequestsPerAddress: number;
  headerTimeoutSeconds: number;
  sendTimeoutSeconds: number;
  idleTimeoutSeconds: number;
  maxSdpBytes: number;
  maxOffersPerSecondPerRecipient: number;
  maxOffersPerSecondPerSender: number;
  maxRelayBacklogBytes: number;
  maxBytesPerSecond: number;
  maxBytesPerSecondPerAddress: number;
}

export interface LimitFlag {
  key: keyof CliLimits;
  flag: string;
  variable: string;
  fallback: number;
  help: string;
}

export const LIMIT_FLAGS: LimitFlag[] = [
  {
    key: 'maxConnections',
    flag: 'max-connections',
    variable: 'MAX_CONNECTIONS',
    fallback: 10_000,
    help: 'open WebSocket connections in all',
  },
  {
    key: 'maxConnectionsPerAddress',
    flag: 'max-connections-per-address',
    variable: 'MAX_CONNECTIONS_PER_ADDRESS',
    fallback: 256,
    help: 'open connections (page requests and WebSockets) from one IPv4 address or IPv6 /64',
  },
  {
    key: 'maxMessagesPerSecond',
    flag: 'max-messages-per-second',
    variable: 'MAX_MESSAGES_PER_SECOND',
    fallback: 50,
    help: 'messages per second on one connection; more closes it',
  },
  {
    key: 'maxMessagesPerSecondPerAddress',
    flag: 'max-messages-per-second-per-address',
    variable: 'MAX_MESSAGES_PER_SECOND_PER_ADDRESS',
    fallback: 500,
    help: 'messages per second from one address, all its connections together',
  },
  {
    key: 'maxSwarmsPerConnection',
    flag: 'max-swarms-per-connection',
    variable: 'MAX_SWARMS_PER_CONNECTION',
    fallback: 200,
    help: 'swarms one connection may join',
  },
  {
    key: 'maxPeersPerSwarm',
    flag: 'max-peers-per-swarm',
    variable: 'MAX_PEERS_PER_SWARM',
    fallback: 5000,
    help: 'peers in one swarm',
  },
  {
    key: 'maxPendingOffersPerConnection',
    flag: 'max-pending-offers',
    variable: 'MAX_PENDING_OFFERS',
    fallback: 100,
    help: 'offers relayed to one connection awaiting its answer',
  },
  {
    key: 'offerTtlSeconds',
    flag: 'offer-ttl',
    variable: 'OFFER_TTL',
    fallback: 50,
    help: 'seconds an offer can be answered',
  },
  {
    key: 'announceTimeoutSeconds',
    flag: 'announce-timeout',
    variable: 'ANNOUNCE_TIMEOUT',
    fallback: 30,
    help: 'seconds a new connection has to announce before it is closed',
  },
  {
    key: 'maxFrameBytes',
    flag: 'max-frame-bytes',
    variable: 'MAX_FRAME_BYTES',
    fallback: 65_536,
    help: 'largest WebSocket message accepted',
  },
  {
    key: 'maxBufferedBytes',
    flag: 'max-buffered-bytes',
    variable: 'MAX_BUFFERED_BYTES',
    fallback: 262_144,
    help: 'unsent bytes to one connection before it is closed as a slow reader',
  },
  {
    key: 'maxUnfinishedRequests',
    flag: 'max-unfinished-requests',
    variable: 'MAX_UNFINISHED_REQUESTS',
    fallback: 1024,
    help: 'connections, from all addresses, that have not finished their request headers',
  },
  {
    key: 'maxUnfinishedRequestsPerAddress',
    flag: 'max-unfinished-requests-per-address',
    variable: 'MAX_UNFINISHED_REQUESTS_PER_ADDRESS',
    fallback: 32,
    help: 'the same from one address (not counted per address with --trust-proxy)',
  },
  {
    key: 'headerTimeoutSeconds',
    flag: 'header-timeout',
    variable: 'HEADER_TIMEOUT',
    fallback: 10,
    help: 'seconds a new connection has to send its request headers before it is closed',
  },
  {
    key: 'sendTimeoutSeconds',
    flag: 'send-timeout',
    variable: 'SEND_TIMEOUT',
    fallback: 30,
    help: 'seconds a response may make no progress (its reader not reading) before the connection is closed',
  },
  {
    key: 'idleTimeoutSeconds',
    flag: 'idle-timeout',
    variable: 'IDLE_TIMEOUT',
    fallback: 5,
    help: 'seconds a kept-alive HTTP connection may wait for its next request before it is closed',
  },
  {
    key: 'maxSdpBytes',
    flag: 'max-sdp-bytes',
    variable: 'MAX_SDP_BYTES',
    fallback: 16_384,
    help: "longest SDP in an offer or answer (a browser's is under 6 KB)",
  },
  {
    key: 'maxOffersPerSecondPerRecipient',
    flag: 'max-offers-per-second-per-recipient',
    variable: 'MAX_OFFERS_PER_SECOND_PER_RECIPIENT',
    fallback: 20,
    help: 'offers relayed to one connection per second; more go to other peers',
  },
  {
    key: 'maxOffersPerSecondPerSender',
    flag: 'max-offers-per-second-per-sender',
    variable: 'MAX_OFFERS_PER_SECOND_PER_SENDER',
    fallback: 5,
    help: 'offers relayed to one connection per second from one sender address; more go to other peers',
  },
  {
    key: 'maxRelayBacklogBytes',
    flag: 'max-relay-backlog-bytes',
    variable: 'MAX_RELAY_BACKLOG_BYTES',
    fallback: 65_536,
    help: 'unsent bytes past which a connection gets no relayed offer (it goes to another peer)',
  },
  {
    key: 'maxBytesPerSecond',
    flag: 'max-bytes-per-second',
    variable: 'MAX_BYTES_PER_SECOND',
    fallback: 262_144,
    help: 'bytes per second on one connection; more closes it',
  },
  {
    key: 'maxBytesPerSecondPerAddress',
    flag: 'max-bytes-per-second-per-address',
    variable: 'MAX_BYTES_PER_SECOND_PER_ADDRESS',
    fallback: 1_048_576,
    help: 'bytes per second from one address, all its connections together',
  },
];

export function limitUsage(): string {
  return LIMIT_FLAGS.map((limit) => {
    return `  --${limit.flag} <n>\n      ${limit.help} (${limit.variable}, default ${limit.fallback})`;
  }).join('\n');
}

/** Every limit from its flag, else its environment variable, else its default. */
export function readLimits(given: OptionSource): CliLimits {
  const limits = {} as CliLimits;
  for (const limit of LIMIT_FLAGS) {
    const found = given(limit.flag, limit.variable);
    limits[limit.key] = found ? parseLimit(found.text, found.source) : limit.fallback;
  }
  return limits;
}
