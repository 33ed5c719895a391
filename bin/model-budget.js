#!/usr/bin/env node
// The CLI is bundled with its dependencies (dist/cli.js), beside the Action (dist/index.js).
await import('../dist/cli.js');
