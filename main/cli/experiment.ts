// handshake-lab experiment (being built).
import { UsageError, type Command } from './command';

export const experimentCommand: Command = {
  help: 'usage: handshake-lab experiment (not available yet)',
  async run() {
    throw new UsageError('experiment: not available yet');
  },
};
