#!/usr/bin/env node
// The `citypulse` command. TypeScript sources run through tsx's loader so that there is no build step
// between a checkout and a running city.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
