// A linear or mixed-integer program as plugins state it, independent of any solver's API: bounded
// variables (some integer), sparse rows lower ≤ a·x ≤ upper, and a linear objective.

export type ObjectiveSense = 'minimize' | 'maximize';

/** `<=` and `>=` are one-sided rows, `=` fixes the row; ±Infinity stands for "no bound" everywhere. */
export type ConstraintSense = '<=' | '>=' | '=';

export interface LinearProgram {
  readonly sense: ObjectiveSense;
  readonly variables: number;
  /** per variable */
  readonly cost: Float64Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly integer: Uint8Array;
  /** rows in CSR form: row r's terms are at rowStart[r] .. rowStart[r+1]-1, no variable twice in a row */
  readonly rows: number;
  readonly rowStart: Int32Array;
  readonly rowIndex: Int32Array;
  readonly rowValue: Float64Array;
  readonly rowLower: Float64Array;
  readonly rowUpper: Float64Array;
}

export interface VariableSpec {
  lower?: number;
  upper?: number;
  cost?: number;
  integer?: boolean;
}

export function senseBounds(sense: ConstraintSense, rhs: number): [number, number] {
  switch (sense) {
    case '<=':
      return [-Infinity, rhs];
    case '>=':
      return [rhs, Infinity];
    case '=':
      return [rhs, rhs];
  }
}

/** Collects variables and rows one at a time; indices are returned in the order of addition. */
export class LinearProgramBuilder {
  private readonly cost: number[] = [];
  private readonly lower: number[] = [];
  private readonly upper: number[] = [];
  private readonly integer: number[] = [];
  private readonly rowStart: number[] = [0];
  private readonly rowIndex: number[] = [];
  private readonly rowValue: number[] = [];
  private readonly rowLower: number[] = [];
  private readonly rowUpper: number[] = [];

  constructor(private readonly sense: ObjectiveSense = 'minimize') {}

  get variables(): number {
    return this.cost.length;
  }

  get rows(): number {
    return this.rowLower.length;
  }

  /** Defaults: lower 0, upper +∞, cost 0, continuous. */
  addVariable(spec: VariableSpec = {}): number {
    const lower = spec.lower ?? 0;
    const upper = spec.upper ?? Infinity;
    if (Number.isNaN(lower) || Number.isNaN(upper) || lower > upper) throw new RangeError(`variable bounds [${lower}, ${upper}] are empty or NaN`);
    this.cost.push(spec.cost ?? 0);
    this.lower.push(lower);
    this.upper.push(upper);
    this.integer.push(spec.integer === true ? 1 : 0);
    return this.cost.length - 1;
  }

  addConstraint(indices: ArrayLike<number>, values: ArrayLike<number>, sense: ConstraintSense, rhs: number): number {
    const [lower, upper] = senseBounds(sense, rhs);
    return this.addRange(indices, values, lower, upper);
  }

  /** lower ≤ Σ values[k]·x[indices[k]] ≤ upper; repeated indices are summed, zeros dropped. */
  addRange(indices: ArrayLike<number>, values: ArrayLike<number>, lower: number, upper: number): number {
    if (indices.length !== values.length) throw new RangeError(`a row has ${indices.length} indices and ${values.length} values`);
    if (Number.isNaN(lower) || Number.isNaN(upper)) throw new RangeError('row bounds are NaN');
    const merged = new Map<number, number>();
    for (let k = 0; k < indices.length; k++) {
      const variable = indices[k];
      if (!Number.isInteger(variable) || variable < 0 || variable >= this.variables) throw new RangeError(`row refers to variable ${variable}, there are ${this.variables}`);
      if (!Number.isFinite(values[k])) throw new RangeError(`row coefficient ${values[k]} is not finite`);
      merged.set(variable, (merged.get(variable) ?? 0) + values[k]);
    }
    for (const variable of [...merged.keys()].sort((a, b) => a - b)) {
      const value = merged.get(variable) as number;
      if (value === 0) continue;
      this.rowIndex.push(variable);
      this.rowValue.push(value);
    }
    this.rowStart.push(this.rowIndex.length);
    this.rowLower.push(lower);
    this.rowUpper.push(upper);
    return this.rowLower.length - 1;
  }

  setCost(variable: number, cost: number): void {
    this.cost[variable] = cost;
  }

  build(): LinearProgram {
    return {
      sense: this.sense,
      variables: this.variables,
      cost: Float64Array.from(this.cost),
      lower: Float64Array.from(this.lower),
      upper: Float64Array.from(this.upper),
      integer: Uint8Array.from(this.integer),
      rows: this.rows,
      rowStart: Int32Array.from(this.rowStart),
      rowIndex: Int32Array.from(this.rowIndex),
      rowValue: Float64Array.from(this.rowValue),
      rowLower: Float64Array.from(this.rowLower),
      rowUpper: Float64Array.from(this.rowUpper),
    };
  }
}
