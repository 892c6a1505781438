// A UDP impairment relay for the call tests: a bad network between the browsers and the
// SFU, on loopback. The kernel here has no netem, and Chromium's fake-network field trials
// have no effect, so the harness does it itself.
//
// How media is routed through it: Loket binds its media ports on 127.0.0.1 and announces
// 127.0.0.2 as its public address (`LOKET_MEDIA_PUBLIC_IPS`), so browsers send to
// 127.0.0.2:P. The relay listens on 127.0.0.2 on every port of the range and forwards each
// browser's packets to 127.0.0.1:P from a socket of its own per browser address; what the
// SFU sends back to that socket goes to the browser. The SFU is ICE-lite and answers the
// address a check came from, so it talks to the relay without knowing.
//
// Each SFU port is one participant's connection, so impairing a port impairs one person:
// `down` is what that browser receives, `up` what it sends. A direction is a link with a
// rate (with a drop-tail queue), a delay with jitter (order kept), random loss and burst
// loss (Gilbert-Elliott: a bad state that drops most packets, entered and left at random).
import dgram from 'node:dgram';

const LISTEN_IP = '127.0.0.2';
const TARGET_IP = '127.0.0.1';

/** One direction of one participant's line. */
class Link {
  constructor() {
    this.set({});
    this.busyUntil = 0;
    this.lastDelivery = 0;
    this.bad = false;
    this.counts = { passed: 0, dropped: 0, queueDrops: 0, bytes: 0 };
  }

  /**
   * @param {object} o
   * @param {number} [o.kbps]  rate in kbit/s (0: unlimited)
   * @param {number} [o.queueMs]  the queue holds this much at the rate; more is dropped
   * @param {number} [o.delayMs]  one-way delay added
   * @param {number} [o.jitterMs]  up to this much more delay, at random (order is kept)
   * @param {number} [o.loss]  share of packets lost at random (0-1)
   * @param {number} [o.burst]  chance per packet of entering a loss burst (0-1)
   * @param {number} [o.burstLen]  mean burst length in packets
   */
  set({ kbps = 0, queueMs = 200, delayMs = 0, jitterMs = 0, loss = 0, burst = 0, burstLen = 4 } = {}) {
    this.cfg = { kbps, queueMs, delayMs, jitterMs, loss, burst, burstLen };
  }

  /** Sends `msg` with `send(msg)` as this line would, or drops it. */
  pass(msg, send) {
    const c = this.cfg;
    if (this.bad) {
      if (Math.random() < 1 / Math.max(1, c.burstLen)) this.bad = false;
    } else if (c.burst > 0 && Math.random() < c.burst) {
      this.bad = true;
    }
    if (this.bad || (c.loss > 0 && Math.random() < c.loss)) { this.counts.dropped += 1; return; }
    const now = performance.now();
    let leaves = now;
    if (c.kbps > 0) {
      const start = Math.max(now, this.busyUntil);
      if (start - now > c.queueMs) { this.counts.queueDrops += 1; return; }
      leaves = start + (msg.length * 8) / c.kbps; // kbit/s = bits per ms
      this.busyUntil = leaves;
    }
    const at = Math.max(leaves + c.delayMs + Math.random() * c.jitterMs, this.lastDelivery);
    this.lastDelivery = at;
    this.counts.passed += 1;
    this.counts.bytes += msg.length;
    const wait = at - now;
    if (wait < 1) send(msg);
    else setTimeout(() => send(msg), wait);
  }
}

export class ImpairmentRelay {
  /** @param {number} lo @param {number} hi  the SFU's media port range (inclusive) */
  constructor(lo, hi) {
    this.lo = lo;
    this.hi = hi;
    this.ports = new Map(); // port -> { socket, down: Link, up: Link, peers: Map }
  }

  async start() {
    for (let port = this.lo; port <= this.hi; port += 1) {
      const socket = dgram.createSocket('udp4');
      const entry = { socket, down: new Link(), up: new Link(), peers: new Map() };
      socket.on('message', (msg, from) => this.fromBrowser(port, entry, msg, from));
      socket.on('error', () => {});
      await new Promise((ok, fail) => { socket.once('error', fail); socket.bind(port, LISTEN_IP, ok); });
      this.ports.set(port, entry);
    }
    return this;
  }

  fromBrowser(port, entry, msg, from) {
    const key = `${from.address}:${from.port}`;
    let upstream = entry.peers.get(key);
    if (!upstream) {
      upstream = dgram.createSocket('udp4');
      upstream.on('error', () => {});
      upstream.on('message', (back) => entry.down.pass(back, (m) => entry.socket.send(m, from.port, from.address)));
      upstream.bind(0, TARGET_IP);
      entry.peers.set(key, upstream);
    }
    entry.up.pass(msg, (m) => upstream.send(m, port, TARGET_IP));
  }

  /** Sets one participant's line (by their SFU port); `{}` makes a direction perfect again. */
  impair(port, { down, up } = {}) {
    const entry = this.ports.get(port);
    if (!entry) throw new Error(`port ${port} is not relayed`);
    if (down) entry.down.set(down);
    if (up) entry.up.set(up);
  }

  /** What passed and what was dropped on one participant's line. */
  counts(port) {
    const e = this.ports.get(port);
    return { down: { ...e.down.counts }, up: { ...e.up.counts } };
  }

  close() {
    for (const e of this.ports.values()) {
      e.socket.close();
      for (const u of e.peers.values()) u.close();
    }
  }
}

/** The SFU address and port a page's call connection uses (the remote side of its selected pair). */
export function sfuPort(page) {
  return page.evaluate(async () => {
    for (const pc of window.__pcs || []) {
      if (pc.connectionState !== 'connected') continue;
      const stats = await pc.getStats();
      for (const r of stats.values()) {
        if (r.type === 'transport' && r.selectedCandidatePairId) {
          const pair = stats.get(r.selectedCandidatePairId);
          const remote = pair && stats.get(pair.remoteCandidateId);
          if (remote) return { port: remote.port, address: remote.address, pcs: window.__pcs.length };
        }
      }
    }
    return null;
  });
}
