// What the command line asks of the server: the parsed flags and variables as startServer's options (seconds to
// milliseconds, the CLI's limit names to the tracker's).
import type { CliConfig } from './cli';
import type { ServerOptions } from './server';

export function serverOptions(config: CliConfig, logError: (line: string) => void): ServerOptions {
  const { limits } = config;
  return {
    port: config.port,
    host: config.host,
    intervalMs: config.intervalSeconds * 1000,
    iceServers: config.iceServers,
    turn: config.turn,
    statsToken: config.statsToken,
    redisUrl: config.redisUrl,
    logError,
    keeper: config.keeper,
    processLeaseMs: config.processLeaseSeconds * 1000,
    trustProxy: config.trustProxy,
    trustedProxies: config.trustedProxies,
    maxConnections: limits.maxConnections,
    maxPayload: limits.maxFrameBytes,
    maxBufferedBytes: limits.maxBufferedBytes,
    maxUnfinishedRequests: limits.maxUnfinishedRequests,
    maxUnfinishedRequestsPerAddress: limits.maxUnfinishedRequestsPerAddress,
    headerTimeoutMs: limits.headerTimeoutSeconds * 1000,
    sendTimeoutMs: limits.sendTimeoutSeconds * 1000,
    idleTimeoutMs: limits.idleTimeoutSeconds * 1000,
    offerTtlMs: limits.offerTtlSeconds * 1000,
    announceDeadlineMs: limits.announceTimeoutSeconds * 1000,
    limits: {
      maxConnectionsPerAddress: limits.maxConnectionsPerAddress,
      maxMessagesPerSecond: limits.maxMessagesPerSecond,
      maxMessagesPerSecondPerAddress: limits.maxMessagesPerSecondPerAddress,
      maxSwarmsPerConnection: limits.maxSwarmsPerConnection,
      maxPeersPerSwarm: limits.maxPeersPerSwarm,
      maxPendingOffersPerConnection: limits.maxPendingOffersPerConnection,
      maxSdpLength: limits.maxSdpBytes,
      maxOffersPerSecondPerRecipient: limits.maxOffersPerSecondPerRecipient,
      maxOffersPerSecondPerSender: limits.maxOffersPerSecondPerSender,
      maxRelayBacklogBytes: limits.maxRelayBacklogBytes,
      maxBytesPerSecond: limits.maxBytesPerSecond,
      maxBytesPerSecondPerAddress: limits.maxBytesPerSecondPerAddress,
    },
  };
}
