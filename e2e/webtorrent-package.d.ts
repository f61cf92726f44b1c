// The parts of the untyped `webtorrent` package (WebTorrent 3 in Node) that the interop tests use.
declare module 'webtorrent' {
  import { EventEmitter } from 'node:events';

  interface WebTorrentOptions {
    dht?: boolean;
    lsd?: boolean;
    utp?: boolean;
    natUpnp?: boolean;
    natPmp?: boolean;
    webSeeds?: boolean;
    torrentPort?: number;
    tracker?: { rtcConfig?: { iceServers: unknown[] } };
  }

  interface TorrentFile {
    path: string;
    length: number;
  }

  export interface Torrent extends EventEmitter {
    infoHash: string;
    magnetURI: string;
    done: boolean;
    numPeers: number;
    files: TorrentFile[];
  }

  export default class WebTorrent extends EventEmitter {
    constructor(options?: WebTorrentOptions);
    add(
      magnet: string,
      options: { path: string; announce?: string[] },
      ready?: (torrent: Torrent) => void,
    ): Torrent;
    seed(
      input: string,
      options: { announce: string[]; name?: string },
      ready?: (torrent: Torrent) => void,
    ): Torrent;
    destroy(done?: (error?: Error) => void): void;
  }
}
