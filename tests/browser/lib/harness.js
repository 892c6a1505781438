// Starts a Loket release binary with a fresh SQLite database on a free loopback port,
// seeded with `loket demo`, and stops it again. With LOKET_URL set, nothing is started:
// the suite runs only read-only checks against that server (auditor mode).
import { spawn, execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));

export const AUDITOR_URL = process.env.LOKET_URL ? process.env.LOKET_URL.replace(/\/$/, '') : null;
export const BIN = process.env.LOKET_BIN ? resolve(process.env.LOKET_BIN) : resolve(HERE, '../../../target/release/loket');
export const DEMO_PASSWORD = 'demo-wachtwoord';

export function freePort() {
  return new Promise((ok, fail) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/** Every GET page route the binary declares (`loket routes`), or null without a binary. */
export function routes() {
  try {
    return JSON.parse(execFileSync(BIN, ['routes'], { encoding: 'utf8' }));
  } catch (e) {
    if (AUDITOR_URL) return null;
    throw new Error(`cannot run ${BIN} routes (set LOKET_BIN): ${e.message}`);
  }
}

async function waitHealthy(base, proc, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    if (proc && proc.exitCode !== null) throw new Error(`loket exited with ${proc.exitCode} before /healthz answered`);
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.status === 200) return;
      last = `status ${r.status}`;
    } catch (e) { last = e.message; }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${base}/healthz did not answer 200 within ${timeoutMs} ms (${last})`);
}

export class Server {
  constructor({ env = {} } = {}) {
    this.extraEnv = env;
    this.proc = null;
    this.stderr = '';
  }

  get readOnly() { return Boolean(AUDITOR_URL); }

  async start() {
    if (AUDITOR_URL) {
      this.base = AUDITOR_URL;
      await waitHealthy(this.base, null, 5000);
      return this;
    }
    this.dir = mkdtempSync(join(tmpdir(), 'loket-browser-'));
    this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    this.env = {
      ...process.env,
      LOKET_BIND: `127.0.0.1:${this.port}`,
      LOKET_DATABASE_URL: `sqlite://${join(this.dir, 'loket.db')}`,
      LOKET_OFFER_TIMEOUT_SECS: '600',
      // Residents may queue before the demo staff log in (as most flows here do); the
      // front-door suite turns it off to see the message offer.
      LOKET_QUEUE_WITHOUT_STAFF: 'true',
      // Every test resident comes from 127.0.0.1, many from one browser context: the
      // intake limits (issue 13) are set wide here; abuse.test.js and the Rust flood tests
      // check them at their defaults.
      LOKET_INTAKE_LIVE_PER_BROWSER: '1000',
      LOKET_INTAKE_LIVE_PER_ADDRESS: '1000',
      LOKET_INTAKE_LIVE_PER_NETWORK: '1000',
      LOKET_INTAKE_MESSAGES_PER_BROWSER: '1000',
      LOKET_INTAKE_MESSAGES_PER_ADDRESS: '1000',
      LOKET_INTAKE_MESSAGES_PER_NETWORK: '1000',
      LOKET_INTAKE_MESSAGES_PER_REACH: '1000',
      // Some flows send many messages quickly (a long chat on a phone).
      LOKET_MESSAGE_BURST: '1000',
      RUST_LOG: process.env.RUST_LOG || 'warn',
      ...(process.env.LOKET_LOG ? { LOKET_LOG: process.env.LOKET_LOG } : {}),
      ...this.extraEnv,
    };
    execFileSync(BIN, ['demo'], { env: this.env, stdio: ['ignore', 'ignore', 'pipe'] });
    await this.spawn();
    return this;
  }

  async spawn() {
    const proc = spawn(BIN, ['serve'], { env: this.env, stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc = proc;
    proc.stderr.on('data', (d) => { this.stderr = (this.stderr + d).slice(-20000); });
    // For a person debugging: the server's whole log in a file (LOKET_LOG sets the detail).
    if (process.env.LOKET_SERVER_LOG) proc.stderr.pipe(createWriteStream(process.env.LOKET_SERVER_LOG, { flags: 'a' }));
    await waitHealthy(this.base, proc);
  }

  /** Stops the process (SIGTERM) and waits for it to exit. */
  async halt() {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  }

  /** Stops and starts the server again on the same port and database. */
  async restart() {
    await this.halt();
    await this.spawn();
  }

  async stop() {
    if (AUDITOR_URL) return;
    await this.halt();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  url(path) { return this.base + path; }
}

export async function startServer(opts) {
  return new Server(opts).start();
}
