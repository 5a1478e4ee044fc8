// The one host API the engine relies on: the Encoding Standard's TextDecoder/TextEncoder,
// present in Node, Electron, workers and browsers alike. Declared here because the engine is
// typechecked without DOM or Node types (so nothing else host-specific can slip in).
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
