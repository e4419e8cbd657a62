/**
 * Compile-time checks (tsc runs them in `npm test`; at run time each is a no-op) that what the
 * server builds fits the published contract, and that the types derived from schemas are the
 * ones the code relies on. A schema edit that breaks one fails the type check, not a request.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { ApiSchemas } from '../../src/api/openapi.js';
import type { Config } from '../../src/config.js';
import type { Decision, OutputDecision } from '../../src/domain.js';
import type { ParsedOf, ReleasableOf } from '../../src/outputs/index.js';
import type { CellTable } from '../../src/outputs/table/cell-table.js';
import type { TableJson } from '../../src/outputs/table/table-kind.js';
import type { PublishedTable } from '../../src/lib/published-table.js';
import type { DecisionResponse, PipelineRequest } from '../../src/pipeline/make-decision.js';
import type { DifferencingScope, Parameters, ProtectionMethod } from '../../src/rules/parameters.js';
import type { CheckLists } from '../../src/rules/check-lists-schema.js';
import type { FloorsFile } from '../../src/rules/floors.js';
import type { ProjectOverride, RuleFile } from '../../src/rules/load-ruleset.js';
import type { CheckId, OutputKind } from '../../src/domain.js';
import type { IdentifierDetector } from '../../src/lib/identifier-detectors.js';
import type { RoundingScheme } from '../../src/lib/round-count.js';

/**
 * Compiles only when T fits the contract's C. (Plain assignability: vitest's `toExtend`
 * reports index-signature types confusingly.)
 */
type Fits<T extends C, C> = [T, C];

/** An output's decision without the fields its kind adds (`table`, …: `unknown` there; the table's is checked below). */
type DeclaredOutput = Pick<OutputDecision, 'name' | 'kind' | 'sha256' | 'outcome' | 'exception' | 'findings'>;
type DeclaredDecision = Omit<Decision, 'outputs'> & { outputs: DeclaredOutput[] };

describe('the server builds what openapi.yaml promises', () => {
  it('the decision response, the decision and its outputs (checked by tsc)', () => {
    // `resubmit` aside: ResubmitForm's cells type (CellsTableInput) lets `measure` be null, which the form never carries (tableShape omits it).
    expectTypeOf<Fits<Omit<DecisionResponse, 'decision' | 'resubmit'> & { decision: DeclaredDecision }, ApiSchemas['DecisionResponse']>>().not.toBeNever();
    expectTypeOf<Fits<DeclaredDecision, ApiSchemas['Decision']>>().not.toBeNever();
  });

  it('the computed table a decision shows', () => {
    expectTypeOf<TableJson>().toExtend<ApiSchemas['ComputedTable']>();
  });

  it('a validated request body is a request the pipeline runs', () => {
    expectTypeOf<ApiSchemas['DecisionRequest']>().toExtend<PipelineRequest>();
  });
});

describe('types derived from their schemas', () => {
  it('rule parameters', () => {
    expectTypeOf<Parameters['protection']>().toEqualTypeOf<ProtectionMethod>();
    expectTypeOf<Parameters['rounding_scheme']>().toEqualTypeOf<RoundingScheme>();
    expectTypeOf<Parameters['differencing_scope']>().toEqualTypeOf<DifferencingScope>();
    expectTypeOf<Parameters['identifier_detectors']>().toEqualTypeOf<IdentifierDetector[]>();
    expectTypeOf<Parameters['threshold']>().toEqualTypeOf<number>();
    expectTypeOf<Parameters['structural_zeros']>().toEqualTypeOf<Record<string, string>[]>();
  });

  it('rule files, project overrides and floors files', () => {
    expectTypeOf<CheckLists>().toEqualTypeOf<Partial<Record<OutputKind, CheckId[]>>>();
    expectTypeOf<RuleFile['parameters']>().toEqualTypeOf<Partial<Parameters>>();
    expectTypeOf<RuleFile['checks']>().toEqualTypeOf<CheckLists>();
    expectTypeOf<RuleFile['populations']>().toEqualTypeOf<Record<string, string[]> | undefined>();
    expectTypeOf<RuleFile['name']>().toEqualTypeOf<string>();
    expectTypeOf<ProjectOverride['project']>().toEqualTypeOf<string>();
    // An override may not set a TRE-wide parameter: its type has none.
    expectTypeOf<NonNullable<ProjectOverride['parameters']>>().toEqualTypeOf<Partial<Omit<Parameters, 'unit_namespaces'>>>();
    expectTypeOf<ProjectOverride['checks']>().toEqualTypeOf<CheckLists | undefined>();
    expectTypeOf<NonNullable<FloorsFile['parameters']>>().toEqualTypeOf<Partial<Parameters>>();
    expectTypeOf<FloorsFile['checks']>().toEqualTypeOf<CheckLists | undefined>();
  });

  it('configuration', () => {
    expectTypeOf<Config['port']>().toEqualTypeOf<number>();
    expectTypeOf<Config['databaseUrl']>().toEqualTypeOf<string | null>();
    expectTypeOf<Config['corsOrigins']>().toEqualTypeOf<string[]>();
    expectTypeOf<Config['trustProxy']>().toEqualTypeOf<boolean | number | string>();
    expectTypeOf<Config['logLevel']>().toEqualTypeOf<'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'>();
  });

  it('output kinds carry their own types through the registry', () => {
    expectTypeOf<ParsedOf<'table'>>().toEqualTypeOf<CellTable>();
    expectTypeOf<ReleasableOf<'table'>>().toEqualTypeOf<PublishedTable>();
    expectTypeOf<ReleasableOf<'model'>>().toBeNever();
  });
});
