// handshake-lab decode (being built).
import { UsageError, type Command } from './command';

export const decodeCommand: Command = {
  help: 'usage: handshake-lab decode (not available yet)',
  async run() {
    throw new UsageError('decode: not available yet');
  },
};
