// handshake-lab lesson (being built).
import { UsageError, type Command } from './command';

export const lessonCommand: Command = {
  help: 'usage: handshake-lab lesson (not available yet)',
  async run() {
    throw new UsageError('lesson: not available yet');
  },
};
