#!/usr/bin/env node
// The installed entry point: runs the CLI as built by `npm run build` (which `npm ci` runs via prepare), bundled
// into one module so that it starts quickly (scripts/bundle-cli.ts).
import '../dist/src/cli/lapse.js';
