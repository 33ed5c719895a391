#!/usr/bin/env node
// The CLI is bundled with its dependencies (dist/cli), like the Action (dist/index.js).
await import('../dist/cli/index.js');
