import base from './playwright.config';
import { defineConfig } from '@playwright/test';

// Benchmarks (scripts/bench-call.sh): the journeys' browsers against the release server,
// one worker, no time limit that would cut a run short; groups of up to six (issue 25's
// measurement of 5 and 6, which the journeys' server does not offer).
const server = Array.isArray(base.webServer) ? base.webServer[0] : base.webServer!;
export default defineConfig({
  ...base,
  webServer: { ...server, env: { ...server.env, APP_APPOINTMENTS__MAX_PARTICIPANTS: '6' } },
  testDir: './bench',
  testMatch: '**/*.bench.ts',
  // One project (the journeys' split into calls and pages does not apply to benchmarks).
  projects: [{ name: 'bench' }],
  workers: 1,
  fullyParallel: false,
  timeout: 600_000,
});
