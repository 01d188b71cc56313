// Neurons numbered across layers: neuron g of a model is unit g − offset[l] of neuron layer l, in the
// order of ModelHandle.neuronLayers, so criteria, profiles and trackers agree on one index.

/** Per neuron layer, its values [batch × units] as ModelHandle.activations returns them. */
export type LayerActivations = readonly Float32Array[];

export class NeuronLayout {
  /** first global index of each layer */
  readonly offsets: readonly number[];
  readonly total: number;
  private readonly layerOfNeuron: Uint32Array;

  constructor(readonly units: readonly number[]) {
    const offsets: number[] = [];
    let total = 0;
    for (const n of units) {
      offsets.push(total);
      total += n;
    }
    this.offsets = offsets;
    this.total = total;
    this.layerOfNeuron = new Uint32Array(total);
    units.forEach((n, l) => this.layerOfNeuron.fill(l, offsets[l], offsets[l] + n));
  }

  layerOf(neuron: number): number {
    return this.layerOfNeuron[neuron];
  }

  unitOf(neuron: number): number {
    return neuron - this.offsets[this.layerOfNeuron[neuron]];
  }

  /** the value of `neuron` for input `row` */
  value(acts: LayerActivations, row: number, neuron: number): number {
    const layer = this.layerOfNeuron[neuron];
    return acts[layer][row * this.units[layer] + neuron - this.offsets[layer]];
  }

  /** the values of layer `layer` for input `row` (a view) */
  row(acts: LayerActivations, row: number, layer: number): Float32Array {
    const n = this.units[layer];
    return acts[layer].subarray(row * n, (row + 1) * n);
  }
}
