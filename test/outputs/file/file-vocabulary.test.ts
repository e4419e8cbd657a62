import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { COLUMN_TYPES, FILE_TYPE_IDS, ROUNDINGS } from '../../../src/domain.js';
import { IDENTIFIER_DETECTOR_VALUES } from '../../../src/lib/identifier-detectors.js';
import { FILE_TYPES } from '../../../src/outputs/file/detect-type.js';

const schemas = parse(readFileSync('openapi.yaml', 'utf8')).components.schemas;

describe('the file and identifier vocabulary, as openapi.yaml publishes it', () => {
  it('lists every detected file type, and every type has a description', () => {
    expect(schemas.FileType.enum).toEqual([...FILE_TYPE_IDS]);
    expect(Object.keys(FILE_TYPES).sort()).toEqual([...FILE_TYPE_IDS].sort());
  });

  it('lists every identifier detector, column type and rounding', () => {
    expect(schemas.IdentifierDetector.enum).toEqual(IDENTIFIER_DETECTOR_VALUES);
    expect(schemas.ColumnEvidence.properties.type.enum).toEqual([...COLUMN_TYPES]);
    expect(schemas.ColumnEvidence.properties.rounding.enum).toEqual([...ROUNDINGS, null]);
  });
});
