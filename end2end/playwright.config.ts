import { defineConfig } from '@playwright/test';

// The server binary in SERVER_BIN (scripts/test.sh: the test build's, with the test build's features;
// a release build of the same code passes the same journeys), started by Playwright with a fresh SQLite database for this run.
// scripts/test.sh runs everything inside a network namespace that has only loopback.
const port = Number(process.env.E2E_PORT ?? 3210);
const root = `${__dirname}/..`;
const serverBin = process.env.SERVER_BIN;
if (!serverBin) {
  throw new Error('SERVER_BIN must name the server binary (scripts/test.sh sets it)');
}
// Set once in the runner; workers inherit the environment, so they read the same outbox.
process.env.E2E_DATA_DIR ??= `/tmp/sprechzimmer-e2e-${process.pid}`;
const dataDir = process.env.E2E_DATA_DIR;
process.env.E2E_OUTBOX_DIR = `${dataDir}/outbox`;

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// The calls: every one opens two to five pages that send and decode video (some through the
// relay, one in Firefox; the waiting room's first journey holds a call too). They run one at a time (the `calls` project's one worker), beside one
// journey of the rest; two of them side by side on two cores were what timed out.
const CALLS = /\/(call[^/]*|group-call|idle-logout|instances|waiting-room)\.spec\.ts$/;

export default defineConfig({
  testDir: './tests',
  // Waits, not speed checks (speed is measured in BENCHMARKS.md): the CI machine ran the
  // journeys 3–6 times slower than a quiet one (18.3 min against 4.9 for the same 50), so
  // every wait allows about twice what a loaded machine was seen to need.
  timeout: 60_000,
  expect: { timeout: 20_000 },
  fullyParallel: true,
  workers: 2,
  projects: [
    { name: 'calls', testMatch: CALLS, workers: 1 },
    { name: 'pages', testIgnore: CALLS },
  ],
  forbidOnly: true,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    locale: 'de-DE',
    timezoneId: 'Europe/Berlin',
    launchOptions: { executablePath: '/usr/bin/chromium', args: chromiumArgs },
    trace: 'off',
  },
  webServer: {
    command: `rm -rf ${dataDir} && mkdir -p ${dataDir} && exec ${serverBin}`,
    cwd: root,
    url: `http://127.0.0.1:${port}/health/ready`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: 'target/site',
      APP_ENVIRONMENT: 'local',
      DATABASE_URL: `sqlite://${dataDir}/e2e.db`,
      APP_APPLICATION__BASE_URL: `http://127.0.0.1:${port}`,
      APP_EMAIL__TRANSPORT: 'file',
      // Every browser of the suite comes from 127.0.0.1: the per-address registration limit
      // (10 an hour, issue 22) would stop the journeys, which register more practices.
      APP_SECURITY__REGISTRATIONS_PER_ADDRESS_PER_HOUR: '1000',
      APP_EMAIL__OUTBOX_DIR: `${dataDir}/outbox`,
      // Further persons (issue 25): the journeys run with the group size the feature is built for.
      APP_APPOINTMENTS__MAX_PARTICIPANTS: '4',
      RUST_LOG: 'warn',
    },
  },
});
