import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dirs.js';

const run = promisify(execFile);

describe('src/api/api-schema.d.ts', () => {
  // The server's request and response types come from this generated file: stale, they would
  // describe another contract than openapi.yaml.
  it('is what openapi-typescript makes of openapi.yaml now (regenerate: npm run types:api)', async () => {
    const out = join(tempDir('airlock-api-schema-'), 'api-schema.d.ts');
    await run(process.execPath, ['node_modules/openapi-typescript/bin/cli.js', 'openapi.yaml', '--redocly', 'redocly.yaml', '-o', out]);
    expect(readFileSync('src/api/api-schema.d.ts', 'utf8')).toBe(readFileSync(out, 'utf8'));
  });
});
