// The claims ledger on hand-made records: which pairs are contradictions, what is recorded but never
// used, how L0's whole counts and float32 slack are read, and the brackets and columns it derives.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { CONTRADICTION_COLUMNS } from '../../harness/ledger/contradictions.js';
import { describeContradiction, LEDGER_FILES, runLedger, type LedgerResult } from '../../harness/ledger/ledger.js';
import type { SampleRecord } from '../../harness/results/record.js';
import { handRecord, lowerBound } from './hand-records.js';

function ledger(records: SampleRecord[], numClasses = 10): LedgerResult & { dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gauntlet-ledger-'));
  const jobs = [...new Set(records.map((r) => r.job))];
  return { dir, ...runLedger({ outDir: dir, jobs, records, numClasses: () => numClasses }) };
}

const csv = (dir: string, file: string): Record<string, string>[] => parse(readFileSync(join(dir, file), 'utf8'), { columns: true });
const jsonl = (dir: string): Record<string, unknown>[] => readFileSync(join(dir, LEDGER_FILES.claims), 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('contradictions', () => {
  it('catches an adversarial closer than another plugin\'s bound and names both records', () => {
    const result = ledger([
      handRecord({ job: 'prover', attack: 'lp', index: 7, claims: [lowerBound('l1', 5)] }),
      handRecord({ job: 'finder', attack: 'pgd', index: 7, adversarial: { l1: 3, prediction: 2 } }),
      handRecord({ job: 'bystander', attack: 'fgsm', index: 7, adversarial: { l1: 6, prediction: 2 } }),
    ]);
    expect(result.contradictions).toHaveLength(1);
    const rows = csv(result.dir, LEDGER_FILES.contradictions);
    expect(Object.keys(rows[0])).toEqual([...CONTRADICTION_COLUMNS]);
    expect(rows[0]).toMatchObject({
      model: 'm', index: '7', norm: 'l1',
      bound_attack: 'lp', bound_job: 'prover', bound_status: 'not_found', bound_value: '5', bound_strict: 'false', bound_target: '',
      adversarial_attack: 'pgd', adversarial_job: 'finder', adversarial_status: 'adversarial', adversarial_prediction: '2', distance: '3',
    });
    expect(describeContradiction(result.contradictions[0])).toBe(
      'm mnist/test#7: pgd (job finder) found an adversarial at l1 = 3, but lp (job prover) claims every adversarial is at l1 >= 5',
    );
    expect(result.columns.get('prover')?.contradictions).toBe(1);
    expect(result.columns.get('finder')?.contradictions).toBe(1);
    expect(result.columns.get('bystander')?.contradictions).toBe(0);
  });

  it('believes further examples the harness validated, and only those', () => {
    const further = (distance: number, valid: boolean, prediction: number) => ({
      target: prediction, valid, prediction, distances: { l0: 1, l1: distance, l2: 1, linf: 1 }, ...(valid ? {} : { reason: 'forged' }),
    });
    const finder = { ...handRecord({ job: 'finder', attack: 'minimal-lp', index: 3, adversarial: { l1: 9, prediction: 1 } }), examples: [further(2, false, 4), further(4, true, 5)] };
    const result = ledger([handRecord({ job: 'prover', attack: 'lp', index: 3, claims: [lowerBound('l1', 6)] }), finder]);
    // the record's own adversarial (9) and the invalid example (2) agree with the bound; the valid example (4) does not
    expect(result.contradictions.map((c) => [c.adversarial.source, c.distance])).toEqual([['example 1', 4]]);
    expect(csv(result.dir, LEDGER_FILES.contradictions)[0]).toMatchObject({ adversarial_source: 'example 1', adversarial_prediction: '5', distance: '4' });
    expect(describeContradiction(result.contradictions[0])).toContain('minimal-lp (job finder) found an adversarial (its further example 1) at l1 = 4');
    // the bracket's upper end is the closest validated adversarial, an example included
    const bracket = csv(result.dir, LEDGER_FILES.brackets).find((b) => b.norm === 'l1' && b.index === '3');
    expect(bracket).toMatchObject({ upper: '4', upper_job: 'finder' });
  });

  it('counts a plugin contradicting itself once, and only pairs on the same model and sample', () => {
    const result = ledger([
      handRecord({ job: 'a', index: 1, claims: [lowerBound('linf', 0.3)], adversarial: { linf: 0.2, prediction: 1 } }),
      handRecord({ job: 'b', index: 2, adversarial: { linf: 0.01, prediction: 1 } }),
      handRecord({ job: 'c', index: 1, model: 'other', adversarial: { linf: 0.01, prediction: 1 } }),
    ]);
    expect(result.contradictions.map((c) => [c.claim.job, c.adversarial.job])).toEqual([['a', 'a']]);
    expect(result.columns.get('a')?.contradictions).toBe(1);
  });

  it('records a conditional claim with its condition but never uses it', () => {
    const condition = "x' keeps the activation pattern of x";
    const result = ledger([
      handRecord({ job: 'dc', index: 0, claims: [lowerBound('l0', 2, { condition })] }),
      handRecord({ job: 'sp', index: 0, adversarial: { l0: 1, prediction: 4 } }),
    ]);
    expect(result.contradictions).toHaveLength(0);
    expect(jsonl(result.dir)).toEqual([
      {
        model: 'm', dataset: 'mnist', split: 'test', index: 0, label: 0, norm: 'l0',
        claims: [{ job: 'dc', attack: 'attack-dc', status: 'not_found', value: 2, strict: false, target: null, condition, used_as: null, ignored: 'conditional' }],
      },
    ]);
    expect(csv(result.dir, LEDGER_FILES.brackets).find((b) => b.norm === 'l0')).toMatchObject({ lower: '', upper: '1' });
  });

  it('holds a targeted bound only against adversarials labelled as its target', () => {
    const result = ledger([
      handRecord({ job: 't', index: 0, claims: [lowerBound('l2', 1, { target: 3 })] }),
      handRecord({ job: 'to2', index: 0, adversarial: { l2: 0.5, prediction: 2 } }),
      handRecord({ job: 'to3', index: 0, adversarial: { l2: 0.5, prediction: 3 } }),
    ]);
    expect(result.contradictions.map((c) => c.adversarial.job)).toEqual(['to3']);
    expect(csv(result.dir, LEDGER_FILES.contradictions)[0].bound_target).toBe('3');
  });

  it('reads L0 bounds as whole counts: > 2 and >= 2.5 both mean >= 3', () => {
    const claimsOf = (l0: number) => [
      handRecord({ job: 'strict', index: 0, claims: [lowerBound('l0', 2, { strict: true })] }),
      handRecord({ job: 'fraction', index: 0, claims: [lowerBound('l0', 2.5)] }),
      handRecord({ job: 'adv', index: 0, adversarial: { l0, prediction: 1 } }),
    ];
    expect(ledger(claimsOf(3)).contradictions).toHaveLength(0);
    expect(ledger(claimsOf(2)).contradictions.map((c) => c.claim.job)).toEqual(['fraction', 'strict']);
    const used = jsonl(ledger(claimsOf(3)).dir)[0].claims as { job: string; used_as: unknown }[];
    expect(used.map((c) => [c.job, c.used_as])).toEqual([['fraction', { value: 3, strict: false }], ['strict', { value: 3, strict: false }]]);
  });

  it('allows float32 measurement slack on continuous norms, summed as the norm sums elements', () => {
    const at = (norm: 'linf' | 'l1', distance: number, elements: number) =>
      ledger([
        handRecord({ job: 'b', index: 0, claims: [lowerBound(norm, 0.5)] }),
        handRecord({ job: 'a', index: 0, adversarial: { [norm]: distance, prediction: 1, elements } }),
      ]).contradictions.length;
    expect(at('linf', 0.5 - 5e-7, 784)).toBe(0);
    expect(at('linf', 0.5 - 2e-6, 784)).toBe(1);
    // L1 over 784 elements: each may be off by 1e-6
    expect(at('l1', 0.5 - 5e-4, 784)).toBe(0);
    expect(at('l1', 0.5 - 1e-3, 784)).toBe(1);
  });

  it('writes the three files with headers even when no plugin claims anything', () => {
    const result = ledger([handRecord({ job: 'a', index: 0, adversarial: { prediction: 1 } })]);
    expect(readFileSync(join(result.dir, LEDGER_FILES.claims), 'utf8')).toBe('');
    expect(readFileSync(join(result.dir, LEDGER_FILES.contradictions), 'utf8').trim()).toBe(CONTRADICTION_COLUMNS.join(','));
    expect(csv(result.dir, LEDGER_FILES.brackets)).toHaveLength(4);
  });
});

describe('brackets', () => {
  it('take the tightest unconditional bound and the smallest validated adversarial', () => {
    const result = ledger([
      handRecord({ job: 'weak', attack: 'w', index: 0, claims: [lowerBound('l2', 0.4), lowerBound('l2', 0.9, { condition: 'pattern' })] }),
      handRecord({ job: 'strong', attack: 's', index: 0, claims: [lowerBound('l2', 0.6, { strict: true })] }),
      handRecord({ job: 'near', attack: 'n', index: 0, adversarial: { l2: 0.7, prediction: 1 } }),
      handRecord({ job: 'far', attack: 'f', index: 0, adversarial: { l2: 1.6, prediction: 1 } }),
      handRecord({ job: 'invalid', index: 0, status: 'invalid', adversarial: { l2: 0.1, prediction: 0 } }),
    ]);
    const l2 = csv(result.dir, LEDGER_FILES.brackets).find((b) => b.norm === 'l2');
    expect(l2).toMatchObject({ lower: '0.6', lower_strict: 'true', lower_attack: 's', lower_source: 'claim', upper: '0.7', upper_attack: 'n' });
    expect(Number(l2?.width)).toBeCloseTo(0.1, 12);
    expect(result.columns.get('near')?.bound_gap_l2).toBeCloseTo(0.1, 6);
    expect(result.columns.get('far')?.bound_gap_l2).toBeCloseTo(1.0, 6);
    expect(result.columns.get('near')?.bound_gap_l1).toBe('');
    expect(result.contradictions).toHaveLength(0);
  });

  it('average a job\'s distance to the lower end over the samples that have both ends', () => {
    const result = ledger([
      handRecord({ job: 'p', index: 0, claims: [lowerBound('l0', 2)] }),
      handRecord({ job: 'p', index: 1, claims: [lowerBound('l0', 1)] }),
      handRecord({ job: 'a', index: 0, adversarial: { l0: 5, prediction: 1 } }),
      handRecord({ job: 'a', index: 1, adversarial: { l0: 2, prediction: 1 } }),
      handRecord({ job: 'a', index: 2, adversarial: { l0: 40, prediction: 1 } }),
    ]);
    // (5 − 2 + 2 − 1) / 2: sample 2 has no lower end
    expect(result.columns.get('a')?.bound_gap_l0).toBe(2);
    expect(result.columns.get('p')?.bound_gap_l0).toBe('');
  });

  it('combine targeted bounds for every class but the label into a bound on every adversarial', () => {
    const targeted = (target: number, value: number) => lowerBound('linf', value, { target });
    const records = [
      handRecord({ job: 'lp', index: 0, label: 1, claims: [targeted(0, 0.3), targeted(2, 0.2), targeted(2, 0.25)] }),
      handRecord({ job: 'pgd', index: 0, label: 1, adversarial: { linf: 0.4, prediction: 0 } }),
    ];
    const three = csv(ledger(records, 3).dir, LEDGER_FILES.brackets).find((b) => b.norm === 'linf');
    expect(three).toMatchObject({ lower: '0.25', lower_source: 'every target', upper: '0.4' });
    // with a fourth class nothing bounds an adversarial labelled 3
    expect(csv(ledger(records, 4).dir, LEDGER_FILES.brackets).find((b) => b.norm === 'linf')).toMatchObject({ lower: '', upper: '0.4' });
  });
});
