// The only host API the protocol core uses beyond the language: UTF-8 text codecs, present in every browser, worker
// and Node. Declared here for shared/tsconfig.json, which has no DOM or Node types (the root tsconfig gets them from
// the DOM library and excludes this file).
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}
