// `npm run docs:cli`: writes docs/cli.md from the command table (test/cli/reference.test.ts
// fails when the file and the table disagree).
import { writeFileSync } from 'node:fs';
import { cliReference } from '../src/cli/cli-reference.js';

writeFileSync('docs/cli.md', cliReference());
