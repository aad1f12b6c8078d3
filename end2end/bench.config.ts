import base from './playwright.config';
import { defineConfig } from '@playwright/test';

// Benchmarks (scripts/bench-call.sh): the same release server and browsers as the journeys,
// one worker, no time limit that would cut a run short.
export default defineConfig({
  ...base,
  testDir: './bench',
  testMatch: '**/*.bench.ts',
  workers: 1,
  fullyParallel: false,
  timeout: 600_000,
});
