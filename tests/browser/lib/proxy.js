// A loopback TCP proxy in front of Loket, so a test can cut one browser's network
// (every open connection, WebSockets included) and restore it, while the server runs on.
import net from 'node:net';

export class CutProxy {
  constructor(targetPort) {
    this.targetPort = targetPort;
    this.sockets = new Set();
    this.cut = false;
  }

  start() {
    this.server = net.createServer((client) => {
      if (this.cut) { client.destroy(); return; }
      const upstream = net.connect(this.targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    return new Promise((ok) => this.server.listen(0, '127.0.0.1', () => {
      this.port = this.server.address().port;
      this.base = `http://127.0.0.1:${this.port}`;
      ok(this);
    }));
  }

  url(path) { return this.base + path; }

  /** Drops every connection and refuses new ones until restore(). */
  disconnect() {
    this.cut = true;
    for (const s of this.sockets) s.destroy();
  }

  restore() { this.cut = false; }

  stop() {
    this.disconnect();
    return new Promise((ok) => this.server.close(() => ok()));
  }
}
