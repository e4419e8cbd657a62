// `npm run typecheck:strict` (a step of `npm test`): type-checks with the strict index and
// optional-property flags of tsconfig.strict.json and fails on any error in the files its
// `include` names. Files those import from folders not yet converted are compiled too (types
// flow across), but their errors are not counted: `tsc -p` alone would count them, and a type
// imported from the output-kind registry pulls in every kind, so no folder could be covered
// before all of them are.
import { resolve } from 'node:path';
import ts from 'typescript';

const parsed = ts.getParsedCommandLineOfConfigFile('tsconfig.strict.json', {}, {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (d) => {
    throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  },
});
if (!parsed) throw new Error('tsconfig.strict.json could not be read');
const covered = new Set(parsed.fileNames.map((f) => resolve(f)));
const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
const problems = ts.getPreEmitDiagnostics(program).filter((d) => d.file === undefined || covered.has(resolve(d.file.fileName)));
const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => '\n' };
if (problems.length > 0) {
  process.stderr.write(ts.formatDiagnostics(problems, host));
  process.stderr.write(`\n${problems.length} error(s) under the strict flags in the ${covered.size} covered files\n`);
  process.exit(1);
}
process.stdout.write(`strict flags: ${covered.size} files covered, no errors\n`);
