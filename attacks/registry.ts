// Every attack plugin gauntlet knows, by id. A new plugin is one folder plus one line here.
import type { RegisteredPlugin } from '../harness/plugin.js';
import { aigent } from './aigent/index.js';
import { deepcheck } from './deepcheck/index.js';
import { deepxplore } from './deepxplore/index.js';
import { dlfuzz } from './dlfuzz/index.js';
import { fgsm } from './fgsm/index.js';
import { jsma } from './jsma/index.js';
import { l0tre } from './l0tre/index.js';
import { minimalLp } from './minimal-lp/index.js';
import { pgd } from './pgd/index.js';
import { random } from './random/index.js';
import { saltPepper } from './salt-pepper/index.js';

export const plugins: ReadonlyMap<string, RegisteredPlugin> = new Map([fgsm, pgd, random, saltPepper, deepcheck, l0tre, jsma, aigent, deepxplore, dlfuzz, minimalLp].map((plugin) => [plugin.id, plugin]));
