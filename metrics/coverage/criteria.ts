// Builds a criterion for a model: the ones measured against the training range (KMNC, NBC, SNAC)
// read the model's coverage profile; NC and TKNC need only the layer sizes.
import type { ModelHandle } from '../../harness/types.js';
import type { CoverageCriterion, CriterionSpec, NeuronBounds } from './criterion.js';
import { multisectionCoverage } from './kmnc.js';
import { boundaryCoverage } from './nbc.js';
import { neuronCoverage } from './nc.js';
import { NeuronLayout } from './neuron-layout.js';
import { coverageProfile, profileBounds } from './profile.js';
import { strongActivationCoverage } from './snac.js';
import { topKCoverage } from './tknc.js';

export function needsProfile(spec: CriterionSpec): boolean {
  return spec.name === 'kmnc' || spec.name === 'nbc' || spec.name === 'snac';
}

/** `bounds` is required by the criteria that needsProfile() names. */
export function createCriterion(spec: CriterionSpec, layout: NeuronLayout, bounds?: NeuronBounds): CoverageCriterion {
  const required = (): NeuronBounds => {
    if (bounds === undefined) throw new Error(`${spec.name} needs the neurons' training ranges`);
    if (bounds.low.length !== layout.total || bounds.high.length !== layout.total) {
      throw new RangeError(`${spec.name}: ranges of ${bounds.low.length} neurons for a model of ${layout.total}`);
    }
    return bounds;
  };
  switch (spec.name) {
    case 'nc':
      return neuronCoverage(layout, spec.threshold);
    case 'kmnc':
      return multisectionCoverage(layout, required(), spec.sections);
    case 'nbc':
      return boundaryCoverage(layout, required());
    case 'snac':
      return strongActivationCoverage(layout, required());
    case 'tknc':
      return topKCoverage(layout, spec.k);
  }
}

/** The criterion over `model`'s neurons, with its profile when it needs one (see coverageProfile for `dataset`). */
export async function criterionFor(model: ModelHandle, spec: CriterionSpec, dataset?: string): Promise<CoverageCriterion> {
  const layout = new NeuronLayout(model.neuronLayers.map((layer) => layer.units));
  const bounds = needsProfile(spec) ? profileBounds(await coverageProfile(model, dataset)) : undefined;
  return createCriterion(spec, layout, bounds);
}
