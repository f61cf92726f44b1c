// The engine tab's engine: each call runs on this tab's bridge to the worker (the same calls other tabs send over the
// tab channel, see tab-link.ts).
import type { EngineBridge } from './engine-bridge';
import type { Call, Engine, Result } from './tab-link';

/** The settings the app's state keeps (and remembers) itself before they reach the bridge. */
export interface LocalSettings {
  setUploadLimit(kib: number): void;
  setRelayOnly(on: boolean): void;
}

type BridgeCalls = Pick<
  EngineBridge,
  | 'share'
  | 'addMagnet'
  | 'addTorrentFile'
  | 'getFile'
  | 'getTorrentFile'
  | 'getSharedHandles'
  | 'resumeSharing'
  | 'pause'
  | 'resume'
  | 'remove'
  | 'chooseFiles'
>;

export class LocalEngine implements Engine {
  constructor(
    private readonly bridge: BridgeCalls,
    private readonly settings: LocalSettings,
  ) {}

  call<C extends Call>(call: C): Promise<Result<C>> {
    return this.perform(call) as Promise<Result<C>>;
  }

  private async perform(call: Call): Promise<unknown> {
    switch (call.op) {
      case 'share':
        return this.bridge.share(call.files, call.name);
      case 'add-magnet':
        return this.bridge.addMagnet(call.link);
      case 'add-torrent-file':
        return this.bridge.addTorrentFile(call.bytes);
      case 'get-file':
        return this.bridge.getFile(call.infoHashHex, call.fileIndex);
      case 'get-torrent-file':
        return this.bridge.getTorrentFile(call.infoHashHex);
      case 'get-shared-handles':
        return this.bridge.getSharedHandles(call.infoHashHex);
      case 'resume-sharing':
        return this.bridge.resumeSharing(call.infoHashHex);
      case 'pause':
        return this.bridge.pause(call.infoHashHex);
      case 'resume':
        return this.bridge.resume(call.infoHashHex);
      case 'remove':
        return this.bridge.remove(call.infoHashHex);
      case 'choose-files':
        return this.bridge.chooseFiles(call.infoHashHex, call.skipped);
      case 'set-upload-limit':
        return this.settings.setUploadLimit(call.kib);
      case 'set-relay-only':
        return this.settings.setRelayOnly(call.on);
    }
  }
}
