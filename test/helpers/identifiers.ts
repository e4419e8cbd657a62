/**
 * Generated identifiers for tests: valid NHS and CHI numbers (right ranges, right check
 * digits) and realistic near-misses, drawn from a seeded PRNG (`seeded-random.ts`)
 * so every run sees the same values.
 * No real person's identifier is hard-coded anywhere.
 *
 * @example nhsNumbers(seededRandom(1), 3) // three valid, issued-range NHS numbers
 */

const digit = (rng: () => number) => String(Math.floor(rng() * 10));

/** The modulus-11 check digit of nine digits, or null when it would be 10. */
export function mod11(body: string): string | null {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(body.charAt(i)) * (10 - i);
  const c = 11 - (sum % 11);
  return c === 11 ? '0' : c === 10 ? null : String(c);
}

function withCheckDigits(n: number, body: () => string): string[] {
  const out: string[] = [];
  while (out.length < n) {
    const b = body();
    const c = mod11(b);
    if (c !== null) out.push(b + c);
  }
  return out;
}

/** Valid NHS numbers in the issued ranges 4xx and 6xx–7xx. */
export function nhsNumbers(rng: () => number, n: number): string[] {
  const leads = ['4', '6', '7'];
  return withCheckDigits(n, () => leads[Math.floor(rng() * leads.length)] + Array.from({ length: 8 }, () => digit(rng)).join(''));
}

/** Valid CHI numbers: a real DDMMYY date, three digits, the check digit. */
export function chiNumbers(rng: () => number, n: number): string[] {
  return withCheckDigits(n, () => {
    const month = 1 + Math.floor(rng() * 12);
    const day = 1 + Math.floor(rng() * 28);
    const yy = Math.floor(rng() * 100);
    const p2 = (v: number) => String(v).padStart(2, '0');
    return `${p2(day)}${p2(month)}${p2(yy)}${digit(rng)}${digit(rng)}${digit(rng)}`;
  });
}

/** Uniformly random 10-digit strings (leading zeros kept): about 1 in 11 passes a check digit. */
export function random10Digits(rng: () => number, n: number): string[] {
  return Array.from({ length: n }, () => Array.from({ length: 10 }, () => digit(rng)).join(''));
}

/** Full UK postcodes of the usual shapes. */
export function postcodes(rng: () => number, n: number): string[] {
  const areas = ['SW1A', 'M1', 'B33', 'CR2', 'LS6', 'EH8', 'G12', 'CF10', 'NE1', 'BS8'];
  const inward = 'ABDEFGHJLNPQRSTUWXYZ';
  const pick = (s: string) => s.charAt(Math.floor(rng() * s.length));
  return Array.from({ length: n }, () => `${areas[Math.floor(rng() * areas.length)]} ${digit(rng)}${pick(inward)}${pick(inward)}`);
}

/** Full dates of birth, ISO style. */
export function birthDates(rng: () => number, n: number): string[] {
  const p2 = (v: number) => String(v).padStart(2, '0');
  return Array.from({ length: n }, () => `${1930 + Math.floor(rng() * 80)}-${p2(1 + Math.floor(rng() * 12))}-${p2(1 + Math.floor(rng() * 28))}`);
}
