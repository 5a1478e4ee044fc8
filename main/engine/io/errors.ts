/** A capture file that cannot be read further: says what is wrong and at which byte. */
export class CaptureFormatError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
    this.name = 'CaptureFormatError';
  }
}
