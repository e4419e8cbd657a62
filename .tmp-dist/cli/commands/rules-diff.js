/**
 * `airlock rules diff OLD NEW --replay`: placeholder until replay lands.
 *
 * @example npm run airlock -- rules diff rules /tmp/candidate --replay
 */
export async function run(_args) {
    process.stderr.write('airlock rules diff: not implemented yet\n');
    return 2;
}
//# sourceMappingURL=rules-diff.js.map