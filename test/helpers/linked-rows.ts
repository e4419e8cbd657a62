/**
 * The linked-tables case of issue 12: region × sex × diagnosis microdata in which F/A/x = 3 is
 * the one sensitive cell and everything else is large, so a 2-way region × sex table published
 * beside the 3-way one pins it (43 − 40 = 3) unless protection covers both.
 *
 * @example tinyTable(LINKED_ROWS, { index: ['region', 'sex'], columns: 'diagnosis', margins: true })
 */
const COUNTS: Readonly<Record<string, number>> = {
  'A|F|x': 3, 'A|F|y': 40, 'A|M|x': 25, 'A|M|y': 30,
  'B|F|x': 22, 'B|F|y': 35, 'B|M|x': 28, 'B|M|y': 31,
  'C|F|x': 26, 'C|F|y': 33, 'C|M|x': 24, 'C|M|y': 29,
};

export const LINKED_ROWS: Record<string, string>[] = Object.entries(COUNTS).flatMap(([k, n]) => {
  const [region = '', sex = '', diagnosis = ''] = k.split('|');
  return Array.from({ length: n }, () => ({ region, sex, diagnosis }));
});
