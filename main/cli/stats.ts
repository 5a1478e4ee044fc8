// handshake-lab stats (being built).
import { UsageError, type Command } from './command';

export const statsCommand: Command = {
  help: 'usage: handshake-lab stats (not available yet)',
  async run() {
    throw new UsageError('stats: not available yet');
  },
};
