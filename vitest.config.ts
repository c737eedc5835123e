import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['server/src/**/*.test.ts', 'server/test/**/*.test.ts', 'e2e/**/*.test.ts'],
    globalSetup: ['server/test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // A browser page polled right after it opens may need a few seconds on a loaded CI machine (its
    // script, login and first queries); vitest's default of 1 s made those checks flaky, not stricter.
    expect: { poll: { timeout: 5_000 } },
  },
});
