/**
 * A hostile board in a worker thread of its own (so its flood costs the attacker's CPU, not the healthy
 * board's timing): it handshakes, then stops reading for good and floods the host with PINGs and
 * HELLOs — the pattern that once froze every board (a pty that fills, writes that block). Uses the link
 * helper's RawPeer (non-blocking writes). Messages: 'flooding' once started, { sent } after 'stop'.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { getProfile, helloForProfile } from '../../boards/profiles/profile-loader.js';
import { RawPeer } from '../helpers/link.js';

const { path, uid, answerPings } = workerData as { path: string; uid: string; answerPings?: boolean };
const peer = await RawPeer.open(path, { answerPings: answerPings ?? false });
const hello = helloForProfile(getProfile('emulated'), '0.1.0', uid);
peer.send(hello);
await peer.next((m) => m.type === 'HELLO_ACK', 30_000, 'HELLO_ACK');
peer.deaf(); // from now on it reads nothing the host sends
let sent = 0;
let token = 0;
const flood = setInterval(() => {
  for (let i = 0; i < 100; i++) peer.send({ type: 'PING', token: (++token % 0xffff) + 1 });
  peer.send(hello); // a HELLO storm too
  sent += 101;
}, 2);
parentPort!.postMessage({ kind: 'flooding' });
parentPort!.on('message', (m: { kind: string }) => {
  if (m.kind !== 'stop') return;
  clearInterval(flood);
  void peer.close().then(() => parentPort!.postMessage({ kind: 'stopped', sent }));
});
