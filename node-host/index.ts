// The engine hosted in Node: files on disk, peers over TCP.
export { NodeHost, type AddOptions } from './node-host';
export { NodeTorrent, type NodeTorrentEvents } from './node-torrent';
export { DiskPieceStorage, type DiskLayout } from './disk-storage';
export { readTorrent, type TorrentSource } from './torrent-source';
