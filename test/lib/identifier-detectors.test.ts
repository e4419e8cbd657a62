import { describe, expect, it } from 'vitest';
import { seededRandom } from '../helpers/seeded-random.js';
import {
  IDENTIFIER_DETECTOR_VALUES,
  columnVerdict,
  detectValue,
  isChiNumber,
  isEmail,
  isFullDate,
  isFullPostcode,
  isNhsNumber,
  isUkPhone,
  looksLikeBirthDateName,
  nameWords,
  valuesVerdict,
} from '../../src/lib/identifier-detectors.js';
import { identifierNameMatcher } from '../../src/lib/identifier-names.js';
import { chiNumbers, mod11, nhsNumbers, random10Digits } from '../helpers/identifiers.js';

describe('NHS numbers', () => {
  it('accepts issued-range numbers with a valid check digit, however grouped', () => {
    for (const v of ['4505577104', '450 557 7104', '450-557-7104', ' 4505577104 ']) expect(isNhsNumber(v)).toBe(true);
  });

  it('refuses a wrong check digit, a check digit of 10, unissued ranges and the test range', () => {
    expect(isNhsNumber('4505577105')).toBe(false);
    // 943 476 5919 is valid by the checksum but 9xx is the test/unissued range
    expect(isNhsNumber('9434765919')).toBe(false);
    expect(isNhsNumber('9990000018')).toBe(false);
    // 1xx and 5xx are not issued NHS ranges
    expect(isNhsNumber('1234567881')).toBe(false);
    expect(isNhsNumber('5000000005')).toBe(false);
    // body 400000001: weighted sum 42 ≡ 9 (mod 11), check digit 2; body 400000008: sum 56 ≡ 1, check digit 10 (never issued)
    expect([...'0123456789'].filter((d) => isNhsNumber(`400000008${d}`))).toEqual([]);
    expect(isNhsNumber('4000000012')).toBe(true);
    expect(isNhsNumber('40000000')).toBe(false);
    expect(isNhsNumber('45055771041')).toBe(false);
    expect(isNhsNumber('450557710a')).toBe(false);
  });

  it('generated numbers all pass; random 10-digit numbers mostly do not (about 40% × 1/11)', () => {
    expect(nhsNumbers(seededRandom(1), 500).every(isNhsNumber)).toBe(true);
    const random = random10Digits(seededRandom(2), 11_000);
    const passing = random.filter(isNhsNumber).length;
    expect(passing).toBeGreaterThan(200);
    expect(passing).toBeLessThan(700);
  });
});

describe('CHI numbers', () => {
  it('needs a valid DDMMYY prefix and check digit', () => {
    const valid = chiNumbers(seededRandom(3), 200);
    expect(valid.every(isChiNumber)).toBe(true);
    const [first = ''] = valid;
    const badDate = `3202${first.slice(4)}`;
    expect(isChiNumber(badDate)).toBe(false);
    const lastDigit = Number(first.charAt(9));
    expect(isChiNumber(`${first.slice(0, 9)}${(lastDigit + 1) % 10}`)).toBe(false);
  });

  it('accepts 29 February (a two-digit year does not say the century) and refuses 30 February', () => {
    const serial = ['100', '101', '102', '103'].find((s) => mod11(`290284${s}`) !== null) ?? '';
    const leap = `290284${serial}${mod11(`290284${serial}`)}`;
    expect(isChiNumber(leap)).toBe(true);
    const thirtieth = ['100', '101', '102', '103'].find((s) => mod11(`300284${s}`) !== null) ?? '';
    expect(isChiNumber(`300284${thirtieth}${mod11(`300284${thirtieth}`)}`)).toBe(false);
  });
});

describe('postcodes, e-mail, telephone, dates', () => {
  it.each(['SW1A 1AA', 'sw1a1aa', 'M1 1AE', 'B33 8TH', 'CR2 6XH', 'DN55 1PT', 'EC1A 1BB', 'W1A 0AX', 'GIR 0AA'])('%s is a full postcode', (v) => {
    expect(isFullPostcode(v)).toBe(true);
  });
  it.each(['SW1A', 'SW1A 1', 'SW1A 1CA', 'QA1 1AA', '1AA 1AA', 'North West', 'E11', 'AB12'])('%s is not', (v) => {
    expect(isFullPostcode(v)).toBe(false);
  });

  it('e-mail addresses', () => {
    expect(isEmail('jane.doe@nhs.net')).toBe(true);
    expect(isEmail('j+o@example.co.uk')).toBe(true);
    for (const v of ['jane.doe', '@nhs.net', 'a@b', 'a b@c.org', 'x@y.z']) expect(isEmail(v)).toBe(false);
  });

  it('UK telephone numbers', () => {
    for (const v of ['020 7946 0018', '+44 20 7946 0018', '+44 (0)20 7946 0018', '07700 900123', '0044 7700 900123', '01632 960001', '0800 123 456']) {
      expect(isUkPhone(v), v).toBe(true);
    }
    for (const v of ['0000012345', '020 794', '+1 202 555 0143', '12345678901', '0600 123 4567', '07700-900-12', '020 7946 001', '+44 20 7946 00189 9']) {
      expect(isUkPhone(v), v).toBe(false);
    }
  });

  it('full dates in the usual spellings, not partial ones', () => {
    for (const v of ['1984-03-07', '1984-03-07T10:00:00Z', '07/03/1984', '3/7/1984', '07-03-1984', '07.03.1984', '19840307', '7 Mar 1984', '07MAR1984', '7-March-1984', 'March 7, 1984']) {
      expect(isFullDate(v), v).toBe(true);
    }
    for (const v of ['1984', '1984-03', 'Mar 1984', '31/02/1984', '1984-13-01', '29/02/1983', '00000000', '99999999', '12345678']) {
      expect(isFullDate(v), v).toBe(false);
    }
  });

  it('birth-date names', () => {
    for (const n of ['dob', 'DOB', 'date_of_birth', 'DateOfBirth', 'birth_date', 'patient_dob', 'born_on', 'Birthdate']) expect(looksLikeBirthDateName(n), n).toBe(true);
    for (const n of ['admission_date', 'date', 'event_dt', 'doberman']) expect(looksLikeBirthDateName(n), n).toBe(false);
  });

  it('splits names into words at separators and case changes', () => {
    expect(nameWords('patientNHSNumber')).toEqual(['patient', 'nhs', 'number']);
    expect(nameWords('NHS Number')).toEqual(['nhs', 'number']);
    expect(nameWords('nhs-number')).toEqual(['nhs', 'number']);
    expect(nameWords('Ｎｈｓ＿Ｎｕｍｂｅｒ')).toEqual(['nhs', 'number']);
  });

  it('detectValue names the first detector that matches', () => {
    expect(detectValue('jane@nhs.net', IDENTIFIER_DETECTOR_VALUES)).toBe('email');
    expect(detectValue('SW1A 1AA', ['email'])).toBeNull();
    expect(detectValue('', IDENTIFIER_DETECTOR_VALUES)).toBeNull();
  });
});

describe('column verdicts: at least half of the non-empty values', () => {
  const enabled = IDENTIFIER_DETECTOR_VALUES;

  it('a column of valid NHS numbers is a listing', () => {
    expect(valuesVerdict('id', nhsNumbers(seededRandom(4), 100), enabled)).toMatchObject({ detector: 'nhs_number', matches: 100, nonEmpty: 100 });
  });

  it('a column of random 10-digit numbers is not', () => {
    expect(valuesVerdict('id', random10Digits(seededRandom(5), 1000), enabled)).toBeNull();
  });

  it('half and half is at the boundary: exactly half fails, one fewer passes', () => {
    const rng = seededRandom(6);
    const valid = nhsNumbers(rng, 50);
    const invalid = random10Digits(rng, 400).filter((v) => !isNhsNumber(v) && !isChiNumber(v) && !isUkPhone(v)).slice(0, 50);
    expect(invalid).toHaveLength(50);
    expect(valuesVerdict('id', [...valid, ...invalid], enabled)).toMatchObject({ detector: 'nhs_number', matches: 50, nonEmpty: 100 });
    expect(valuesVerdict('id', [...valid.slice(1), ...invalid], enabled)).toBeNull();
  });

  it('empty values do not count; an all-empty column is not a listing', () => {
    expect(valuesVerdict('id', ['', ' ', ...nhsNumbers(seededRandom(7), 3)], enabled)).toMatchObject({ matches: 3, nonEmpty: 3 });
    expect(valuesVerdict('id', ['', ''], enabled)).toBeNull();
  });

  it('dates count as birth dates only in a column named like one', () => {
    const dates = ['1984-03-07', '1990-11-30', '2001-01-01'];
    expect(valuesVerdict('date_of_birth', dates, enabled)).toMatchObject({ detector: 'birth_date' });
    expect(valuesVerdict('admission_date', dates, enabled)).toBeNull();
    expect(columnVerdict(null, { nonEmpty: 1, matches: IDENTIFIER_DETECTOR_VALUES.map((d) => (d === 'birth_date' ? 1 : 0)) })).toBeNull();
  });

  it('uses only the enabled detectors', () => {
    expect(valuesVerdict('x', ['jane@nhs.net', 'joe@nhs.net'], ['postcode'])).toBeNull();
  });
});

describe('identifier names', () => {
  const match = identifierNameMatcher(['nhs_number', 'name', 'postcode', 'email', 'date_of_birth', 'chi', 'patient_id', 'address']);

  it.each([
    ['nhs_number', 'nhs_number'],
    ['NHS Number', 'nhs_number'],
    ['nhs-number', 'nhs_number'],
    ['NHSNumber', 'nhs_number'],
    ['nhsnumber', 'nhs_number'],
    ['patient_nhs_number', 'nhs_number'],
    ['nhs_number_hashed', 'nhs_number'],
    ['Patient Name', 'name'],
    ['first_name', 'name'],
    ['POSTCODE', 'postcode'],
    ['post_code', 'postcode'],
    ['home_postcode', 'postcode'],
    ['email_address', 'email'],
    ['Date Of Birth', 'date_of_birth'],
    ['chi_number', 'chi'],
    ['PatientID', 'patient_id'],
  ])('%s → %s', (name, expected) => {
    expect(match(name)).toBe(expected);
  });

  it.each(['drug_name', 'site_name', 'practice_postcode', 'chi_square', 'diagnosis', 'age_band', 'ip_address', 'filename', 'region'])('%s is not an identifier name', (name) => {
    expect(match(name)).toBeNull();
  });
});
