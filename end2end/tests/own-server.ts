import { spawn, ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A TCP port nobody listens on now (the kernel's pick): tests never use fixed ports, so the
 * suite passes while the app runs on the same machine. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** A server (SERVER_BIN) of a test's own (so that it can be restarted or configured apart from the
 * suite's server) on free ports, with its SQLite file in `dir`; `env` adds settings. */
export class OwnServer {
  process?: ChildProcess;
  /** Its standard output's lines, when `APP_LOG__JSON` is set in `env` (JSON log lines). */
  readonly log: string[] = [];
  private constructor(readonly port: number, readonly turnPort: number, readonly dir: string, readonly env: Record<string, string>) {}

  static async create(dir: string, env: Record<string, string> = {}): Promise<OwnServer> {
    return new OwnServer(await freePort(), await freePort(), dir, env);
  }

  get url() { return `http://127.0.0.1:${this.port}`; }

  async start() {
    this.process = spawn(process.env.SERVER_BIN!, [], {
      cwd: `${__dirname}/../..`,
      stdio: ['ignore', this.env.APP_LOG__JSON ? 'pipe' : 'ignore', 'inherit'],
      env: {
        ...process.env,
        LEPTOS_SITE_ADDR: `127.0.0.1:${this.port}`,
        LEPTOS_SITE_ROOT: 'target/site',
        APP_ENVIRONMENT: 'local',
        DATABASE_URL: `sqlite://${this.dir}/own.db`,
        APP_APPLICATION__BASE_URL: this.url,
        APP_EMAIL__TRANSPORT: 'file',
        // The same outbox as the main server: the mail helpers read it.
        APP_EMAIL__OUTBOX_DIR: process.env.E2E_OUTBOX_DIR!,
        APP_ICE__TURN_PORT: String(this.turnPort),
        RUST_LOG: 'warn',
        ...this.env,
      },
    });
    let rest = '';
    this.process.stdout?.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      this.log.push(...lines);
    });
    for (let i = 0; i < 100; i++) {
      try {
        if ((await fetch(`${this.url}/health/ready`)).ok) return;
      } catch { /* not up yet */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('own server did not start');
  }

  /** Ends the process at once (SIGKILL), as a crash would. */
  async kill() {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  async stop() {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}
