// handshake-lab command line.
process.stdout.write('handshake-lab: CLI under construction\n');
