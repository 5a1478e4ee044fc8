// handshake-lab serve (being built).
import { UsageError, type Command } from './command';

export const serveCommand: Command = {
  help: 'usage: handshake-lab serve (not available yet)',
  async run() {
    throw new UsageError('serve: not available yet');
  },
};
