// tfjs LayersModels on local disk. @tensorflow/tfjs (unlike tfjs-node) has no file:// handler,
// so gauntlet reads and writes the standard model.json + weight shards itself with node:fs.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../errors.js';

/** The weight file written next to model.json by `modelSaver`. */
export const WEIGHTS_FILE = 'weights.bin';

/** Loads model.json at `modelJsonPath` and the weight files its manifest lists (paths relative to it). */
export function modelLoader(modelJsonPath: string): tf.io.IOHandler {
  return {
    load: async () => {
      let text: string;
      try {
        text = await readFile(modelJsonPath, 'utf8');
      } catch (error) {
        throw new UserError(`cannot read model file ${modelJsonPath}: ${describe(error)} (expected a tfjs LayersModel model.json)`);
      }
      let json: tf.io.ModelJSON;
      try {
        json = JSON.parse(text) as tf.io.ModelJSON;
      } catch (error) {
        throw new UserError(`model file ${modelJsonPath} is not valid JSON: ${describe(error)}`);
      }
      if (typeof json !== 'object' || json === null || json.modelTopology === undefined || !Array.isArray(json.weightsManifest)) {
        throw new UserError(`model file ${modelJsonPath} has no modelTopology/weightsManifest (expected a tfjs LayersModel model.json)`);
      }
      const directory = dirname(modelJsonPath);
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const path of group.paths) {
            const file = join(directory, path);
            let bytes: Buffer;
            try {
              bytes = await readFile(file);
            } catch (error) {
              throw new UserError(`cannot read weight file ${file} listed in ${modelJsonPath}: ${describe(error)}`);
            }
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
          }
        }
        return [specs, tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}

/** Writes model.json and a single weights.bin into `directory` (created if missing). */
export function modelSaver(directory: string): tf.io.IOHandler {
  return {
    save: async (artifacts) => {
      const { modelTopology, weightData: data, weightSpecs } = artifacts;
      if (data === undefined || weightSpecs === undefined || modelTopology === undefined || modelTopology instanceof ArrayBuffer) {
        throw new Error('modelSaver: expected a LayersModel with JSON topology and weights');
      }
      const weightData = tf.io.concatenateArrayBuffers(
        Array.isArray(data) ? data : [data],
      );
      const modelJson: tf.io.ModelJSON = {
        modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: weightSpecs }],
        ...(artifacts.trainingConfig === undefined ? {} : { trainingConfig: artifacts.trainingConfig }),
      };
      await mkdir(directory, { recursive: true });
      await writeFile(join(directory, WEIGHTS_FILE), Buffer.from(weightData));
      await writeFile(join(directory, 'model.json'), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
