// Frame bytes as lower-case hex without separators (FrameDetail.bytes).
export function bytesHex(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('hex');
}
