// handshake-lab watch (being built).
import { UsageError, type Command } from './command';

export const watchCommand: Command = {
  help: 'usage: handshake-lab watch (not available yet)',
  async run() {
    throw new UsageError('watch: not available yet');
  },
};
