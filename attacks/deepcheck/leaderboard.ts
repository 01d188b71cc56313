// DeepCheck's leaderboard columns, from validated records only: 'adversarial' records passed the
// harness's re-check and 'not_found' ones claim no attack, while an 'invalid' record's details
// describe a search whose reported attack did not hold, so it is left out.
import type { SampleRecordView } from '../../harness/types.js';
import type { DeepcheckParams } from './params.js';

function mean(values: readonly number[]): number | '' {
  return values.length === 0 ? '' : Number((values.reduce((a, b) => a + b, 0) / values.length).toFixed(4));
}

function numbers(records: readonly SampleRecordView[], read: (details: Record<string, unknown>) => unknown): number[] {
  return records.flatMap((r) => {
    const value = read(r.details);
    return typeof value === 'number' ? [value] : [];
  });
}

const length = (value: unknown): number | undefined => (Array.isArray(value) ? value.length : undefined);

export function deepcheckColumns(records: readonly SampleRecordView[], params: DeepcheckParams): Record<string, string | number> {
  const searched = records.filter((r) => r.status === 'adversarial' || r.status === 'not_found');
  const attacked = records.filter((r) => r.status !== 'skipped');
  const found = records.filter((r) => r.status === 'adversarial');
  return {
    attackable_per_image: mean(numbers(searched, (d) => length(d.attackable))),
    unattackable_per_image: mean(numbers(searched, (d) => d.unattackable_count)),
    solver_calls_to_first_attack: mean(numbers(found, (d) => d.solver_calls_to_first)),
    candidates_to_first_attack: mean(numbers(found, (d) => d.candidates_to_first)),
    first_attack_rank: mean(numbers(found, (d) => d.first_rank)),
    [`share_${params.t}pixel_attack`]: attacked.length === 0 ? '' : Number((found.length / attacked.length).toFixed(4)),
  };
}
