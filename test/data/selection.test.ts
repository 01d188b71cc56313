import { beforeAll, describe, expect, it } from '@jest/globals';
import { type Dataset, loadDataset } from '../../harness/data/dataset.js';
import { selectIndices } from '../../harness/data/selection.js';
import { UserError } from '../../harness/errors.js';

let mnist: Dataset;
beforeAll(async () => {
  mnist = await loadDataset('mnist', 'test');
});

describe('selectIndices', () => {
  it('takes consecutive samples from an offset', () => {
    expect(selectIndices({ dataset: 'mnist', split: 'test', samples: 3, offset: 5 }, mnist)).toEqual([5, 6, 7]);
    expect(selectIndices({ dataset: 'mnist', split: 'test', samples: 2 }, mnist)).toEqual([0, 1]);
  });

  it('keeps explicit indices as given', () => {
    expect(selectIndices({ dataset: 'mnist', split: 'test', indices: [9, 2, 9999] }, mnist)).toEqual([9, 2, 9999]);
  });

  it('takes the first k of each class', () => {
    const indices = selectIndices({ dataset: 'mnist', split: 'test', per_class: 2 }, mnist);
    expect(indices).toHaveLength(20);
    const counts = new Array<number>(10).fill(0);
    for (const i of indices) counts[mnist.labels[i]]++;
    expect(counts).toEqual(new Array<number>(10).fill(2));
    // first of class 7 is index 0 (MNIST test label[0] = 7), and indices come in dataset order
    expect(indices[0]).toBe(0);
    expect([...indices].sort((a, b) => a - b)).toEqual(indices);
    for (let c = 0; c < 10; c++) {
      const firstTwo = indices.filter((i) => mnist.labels[i] === c);
      const expected: number[] = [];
      for (let i = 0; expected.length < 2; i++) if (mnist.labels[i] === c) expected.push(i);
      expect(firstTwo).toEqual(expected);
    }
  });

  it('rejects out-of-range requests with the reason', () => {
    expect(() => selectIndices({ dataset: 'mnist', split: 'test', indices: [3, 10000] }, mnist)).toThrow(
      new UserError('index 10000 is out of range for mnist test (10000 samples)'),
    );
    expect(() => selectIndices({ dataset: 'mnist', split: 'test', samples: 100, offset: 9950 }, mnist)).toThrow(
      new UserError('samples 100 from offset 9950 run past the end of mnist test (10000 samples)'),
    );
    expect(() => selectIndices({ dataset: 'mnist', split: 'test', per_class: 2000 }, mnist)).toThrow(/^per_class 2000 asks for more samples of class \d than mnist test \(10000 samples\) has \(\d+\)$/);
  });
});
