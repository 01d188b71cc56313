// Which samples of a split an experiment uses. Selections are resolved to explicit indices once,
// so plan hashes and result records name the same samples whatever the chunking.
import type { DataSelection } from '../config/experiment.js';
import { UserError } from '../errors.js';
import type { Dataset } from './dataset.js';

export function selectIndices(selection: DataSelection, dataset: Dataset): number[] {
  const where = `${dataset.name} ${dataset.split} (${dataset.count} samples)`;
  const chosen = [selection.samples, selection.indices, selection.per_class].filter((v) => v !== undefined).length;
  if (chosen > 1) throw new UserError(`data selection for ${dataset.name} gives more than one of samples, indices, per_class; expected exactly one`);
  if (selection.offset !== undefined && selection.samples === undefined && chosen > 0) {
    throw new UserError(`data selection for ${dataset.name} gives offset without samples; offset only applies to samples`);
  }

  if (selection.indices !== undefined) {
    for (const index of selection.indices) {
      if (!Number.isInteger(index) || index < 0 || index >= dataset.count) throw new UserError(`index ${index} is out of range for ${where}`);
    }
    return [...selection.indices];
  }

  if (selection.per_class !== undefined) {
    const k = selection.per_class;
    if (!Number.isInteger(k) || k < 1) throw new UserError(`per_class ${k} for ${dataset.name} is not a positive integer`);
    const taken = new Array<number>(dataset.numClasses).fill(0);
    const indices: number[] = [];
    for (let i = 0; i < dataset.count && indices.length < k * dataset.numClasses; i++) {
      const label = dataset.labels[i];
      if (taken[label] < k) {
        taken[label]++;
        indices.push(i);
      }
    }
    const short = taken.findIndex((n) => n < k);
    if (short >= 0) throw new UserError(`per_class ${k} asks for more samples of class ${dataset.classNames[short]} than ${where} has (${taken[short]})`);
    return indices;
  }

  const offset = selection.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0 || offset >= dataset.count) throw new UserError(`offset ${offset} is out of range for ${where}`);
  const samples = selection.samples ?? dataset.count - offset;
  if (!Number.isInteger(samples) || samples < 1) throw new UserError(`samples ${samples} for ${dataset.name} is not a positive integer`);
  if (offset + samples > dataset.count) {
    throw new UserError(`samples ${samples} from offset ${offset} run past the end of ${where}`);
  }
  return Array.from({ length: samples }, (_, i) => offset + i);
}
