// `npm start` serves the console at /ui: build it when it is missing or older than its sources
// (a fresh clone, or a pull that changed ui/ or openapi.yaml). Quick when it is up to date.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// A stamp written after each build (Vite leaves unchanged output files untouched, so their times say nothing).
const built = join('ui', 'dist', '.built');
const newest = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce((t, e) => {
    const p = join(dir, e.name);
    return Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }, 0);
const sources = Math.max(newest(join('ui', 'src')), statSync('openapi.yaml').mtimeMs, statSync(join('ui', 'index.html')).mtimeMs);
if (!existsSync(built) || statSync(built).mtimeMs < sources) {
  process.stderr.write('Building the console (ui/dist)…\n');
  execSync('npm run build:ui', { stdio: 'inherit' });
  writeFileSync(built, `${new Date().toISOString()}\n`);
}
