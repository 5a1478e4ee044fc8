#!/bin/sh
# The classic experiment recorded by Handshake Lab itself (as root, on loopback): its socket calls travel as
# pcapng comments (frame.comment on the frame each call sent first, the others in the section header).
# A pause of 200 ms after each call, so the ACK of the client's FIN goes out on its own (a 4-segment close).
set -e
cd "$(dirname "$0")/../../.."
node bin/handshake-lab.js experiment --port 23999 --slow 200 --write test/corpus/lab/experiment-classic.pcapng
