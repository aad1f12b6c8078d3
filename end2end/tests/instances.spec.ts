import { execFileSync, spawn, ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { test, expect } from './fixtures';
import { OwnServer, freePort } from './own-server';
import { callOn, connected, frameSamples, lettersOf } from './room';

// Two servers (SERVER_BIN) on one PostgreSQL behind nginx (deploy/nginx/sprechzimmer-proxy.conf as
// shipped, round-robin), as an operator runs them. scripts/test.sh starts the throw-away
// PostgreSQL inside the journeys' network namespace.

function psql(database: string, sql: string): string {
  const url = process.env.SPRECHZIMMER_TEST_POSTGRES_URL;
  if (!url) throw new Error('SPRECHZIMMER_TEST_POSTGRES_URL must name the throw-away PostgreSQL (scripts/test.sh starts it)');
  const version = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b)).pop();
  const target = url.replace(/\/[^/]*$/, `/${database}`);
  return execFileSync(`/usr/lib/postgresql/${version}/bin/psql`, ['-qAtc', sql, target]).toString().trim();
}

async function nginx(dir: string, port: number, upstreams: number[]): Promise<ChildProcess> {
  const snippet = `${__dirname}/../../deploy/nginx/sprechzimmer-proxy.conf`;
  writeFileSync(`${dir}/nginx.conf`, `daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log;
events {}
http {
  access_log off;
  client_body_temp_path ${dir};
  proxy_temp_path ${dir};
  upstream sprechzimmer {
${upstreams.map((u) => `    server 127.0.0.1:${u} max_fails=1 fail_timeout=5s;`).join('\n')}
    keepalive 8;
  }
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  server {
    listen 127.0.0.1:${port};
    include ${snippet};
  }
}
`);
  const child = spawn('/usr/sbin/nginx', ['-p', dir, '-c', `${dir}/nginx.conf`], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/health/live`);
      return child;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('nginx did not start');
}

/** The instance id a server announced at its start (`server::bus`). */
async function instanceOf(server: OwnServer): Promise<string> {
  await expect.poll(() => server.log.some((l) => l.includes('shared over PostgreSQL')), { timeout: 20_000 }).toBe(true);
  const line = server.log.find((l) => l.includes('shared over PostgreSQL'))!;
  return JSON.parse(line).fields.instance;
}

test('Zwei Server hinter nginx: Ärztin und Patientin auf verschiedenen Instanzen, die der Ärztin fällt mitten im Gespräch aus, Bild und Ton laufen weiter', async ({ browser }) => {
  test.setTimeout(360_000);
  const stamp = Date.now();
  const database = `e2e_${stamp}`;
  psql('postgres', `CREATE DATABASE ${database}`);
  const dir = `${process.env.E2E_DATA_DIR}/instances-${stamp}`;
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const front = `http://127.0.0.1:${port}`;
  const env = {
    DATABASE_URL: process.env.SPRECHZIMMER_TEST_POSTGRES_URL!.replace(/\/[^/]*$/, `/${database}`),
    APP_APPLICATION__BASE_URL: front,
    APP_SECURITY__TRUSTED_PROXIES: '127.0.0.1/32',
    APP_SECURITY__CODE_SECRET: randomBytes(32).toString('hex'),
    APP_ICE__TURN_SECRET: randomBytes(32).toString('hex'),
    APP_LOG__JSON: 'true',
    RUST_LOG: 'warn,server::bus=info',
  };
  const servers = [await OwnServer.create(dir, env), await OwnServer.create(dir, env)];
  let balancer: ChildProcess | undefined;
  let running;
  let ids: string[] = [];
  try {
    for (const server of servers) await server.start();
    ids = await Promise.all(servers.map(instanceOf));
    balancer = await nginx(dir, port, servers.map((s) => s.port));
    running = await callOn(browser, front, { patient: `Ines Instanz ${lettersOf(stamp)}`, slug: 'instanzen', practice: 'Praxis Instanzen' });
  } catch (e) {
    balancer?.kill();
    for (const server of servers) await server.kill();
    throw e;
  }
  const { page, p, doctorContext, patientBrowser } = running;
  try {
    const appointment = psql(database, "SELECT appointment_id FROM call_seat WHERE participant = 'patient'");
    const seat = (who: string) => psql(database, `SELECT instance_id FROM call_seat WHERE appointment_id = '${appointment}' AND participant = '${who}'`);
    // Round-robin decides where each page lands: the doctor's page is reloaded until it sits
    // on the other instance than the patient's (a reload is a new page: a fresh connection).
    // nginx counts every request, and a reload can make an even number of them before its
    // socket, which then lands where the last one did (seen: six reloads on one instance in a
    // cold run); every second try one request more in between changes that parity.
    for (let i = 0; i < 6 && seat('doctor') === seat('patient'); i++) {
      if (i % 2 === 1) await fetch(`${front}/health/live`);
      await page.reload();
      await expect(connected(page)).toBeVisible({ timeout: 40_000 });
      await expect.poll(() => seat('doctor'), { timeout: 20_000 }).not.toBe('');
    }
    const doctorOn = seat('doctor');
    expect(doctorOn, 'the doctor and the patient on different instances').not.toBe(seat('patient'));
    const doctorsServer = servers[ids.indexOf(doctorOn)];
    expect(doctorsServer, `instance ${doctorOn} is one of ${ids}`).toBeDefined();
    await expect(connected(p)).toBeVisible({ timeout: 40_000 });
    const code = await page.locator('.verification .code').textContent();

    // Frames keep increasing on both sides while the doctor's instance is killed (SIGKILL)
    // and the doctor's page reconnects through nginx to the other one.
    const frames = frameSamples(page, p);
    const sample = frames.sample;
    await sample();
    await doctorsServer.kill();
    await sample();
    await sample();
    // The doctor's page takes its seat again on the surviving instance, as the same page.
    await expect.poll(() => seat('doctor'), { timeout: 60_000 }).toBe(seat('patient'));
    await expect(connected(page)).toBeVisible();
    await expect(connected(p)).toBeVisible();
    await sample();
    frames.expectRising();
    // The same connection (no renegotiation): the same verification code.
    await expect(page.locator('.verification .code')).toHaveText(code!);
    // The waiting list and the end work through the surviving instance.
    await expect(page.locator('details.waiting-panel').getByRole('listitem').filter({ hasText: 'Ines Instanz' }))
      .toContainText('im Gespräch seit', { timeout: 60_000 });
    await page.getByRole('button', { name: 'Sprechstunde beenden' }).click();
    await page.getByRole('button', { name: 'Ja, beenden' }).click();
    await expect(page.getByRole('heading', { name: 'Die Sprechstunde ist beendet' })).toBeVisible({ timeout: 40_000 });
    await expect(p.getByText('Sie können das Fenster jetzt schließen.')).toBeVisible({ timeout: 60_000 });
    // The list shows the end: a change after the kill reached it (it kept showing "im
    // Gespräch" from before the kill on its own, whichever instance its socket was on).
    await expect(page.locator('details.waiting-panel').getByText('heute erledigt (1)')).toBeVisible({ timeout: 40_000 });
    await doctorContext.close();
  } finally {
    await patientBrowser.close();
    balancer?.kill();
    for (const server of servers) await server.stop();
    rmSync(dir, { recursive: true, force: true });
    psql('postgres', `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
});
