// The swarm engine: a sans-I/O BitTorrent session (events in, actions out) and its contract.
export * from './contract/engine-types';
export { TorrentSession, DEFAULT_CONFIG, MAX_REQUEST_LENGTH, UT_METADATA_ID } from './session/session';
export { OUR_REQQ } from './upload/uploader';
