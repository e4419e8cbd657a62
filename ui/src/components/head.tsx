/**
 * A table's header row from column names; a name ending in `#` is numeric (right-aligned, the
 * `#` dropped). Every console table names its columns with `scope="col"` this one way.
 *
 * @example <Head cols={['Seq#', 'Recorded', 'Project']} />
 */
export function Head({ cols }: { cols: readonly string[] }) {
  return (
    <thead>
      <tr>
        {cols.map((c) =>
          c.endsWith('#') ? (
            <th scope="col" class="num" key={c}>
              {c.slice(0, -1)}
            </th>
          ) : (
            <th scope="col" key={c}>
              {c}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}
