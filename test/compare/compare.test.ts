// gauntlet compare: verdicts per metric, tolerances from YAML, paired samples, and the CLI's exit codes.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { compareRuns, readRunSide, regressionCount } from '../../harness/compare/compare-runs.js';
import { DEFAULT_TOLERANCES, loadTolerances } from '../../harness/compare/tolerances.js';
import { judge } from '../../harness/compare/verdict.js';
import { fixtureJob, writeFixtureRun, type FixtureJob } from './fixture-runs.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function gauntlet(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(root, 'bin', 'gauntlet.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const temp = (): string => mkdtempSync(join(tmpdir(), 'gauntlet-compare-'));

const BASELINE: FixtureJob[] = [
  fixtureJob({ job: 'aaaa00000001', attack: 'fgsm' }),
  fixtureJob({ job: 'aaaa00000002', attack: 'pgd', forward: 4000 }),
  fixtureJob({ job: 'aaaa00000003', attack: 'random', threat: 'linf<=0.2', params: '{"epsilon":0.2}' }),
];

describe('judging one metric', () => {
  it('applies absolute, relative and ratio tolerances in the direction that is worse', () => {
    const success = DEFAULT_TOLERANCES.get('success_rate')!;
    expect(judge(50, 50, success)).toBe('same');
    expect(judge(50, 48, success)).toBe('ok');
    expect(judge(50, 47.99, success)).toBe('regression');
    expect(judge(50, 52.01, success)).toBe('improved');
    const l2 = DEFAULT_TOLERANCES.get('mean_l2')!;
    expect(judge(2, 2.1, l2)).toBe('ok');
    expect(judge(2, 2.11, l2)).toBe('regression');
    expect(judge(2, 1.8, l2)).toBe('improved');
    const time = DEFAULT_TOLERANCES.get('mean_time_s')!;
    expect(judge(0.01, 0.029, time)).toBe('ok');
    expect(judge(0.01, 0.0034, time)).toBe('ok');
    expect(judge(0.01, 0.031, time)).toBe('regression');
    expect(judge(0.01, 0.003, time)).toBe('improved');
  });

  it('compares cost counters exactly, either way, and treats a vanished value as a change', () => {
    const forward = DEFAULT_TOLERANCES.get('forward_passes')!;
    expect(judge(400, 400, forward)).toBe('same');
    expect(judge(400, 399, forward)).toBe('regression');
    expect(judge(400, 401, forward)).toBe('regression');
    expect(judge(1.5, null, DEFAULT_TOLERANCES.get('mean_l2')!)).toBe('changed');
  });
});

describe('tolerances file', () => {
  it('overrides defaults and adds plugin columns', () => {
    const file = join(temp(), 't.yaml');
    writeFileSync(file, 'metrics:\n  mean_time_s: {ratio: 10}\n  success_rate: {abs: 5}\n  coverage_nc: {rel: 0.1, better: higher}\n');
    const t = loadTolerances(file);
    expect(t.get('mean_time_s')).toEqual({ better: 'lower', ratio: 10 });
    expect(t.get('success_rate')).toEqual({ better: 'higher', abs: 5 });
    expect(t.get('coverage_nc')).toEqual({ better: 'higher', rel: 0.1 });
    expect(t.get('forward_passes')).toEqual(DEFAULT_TOLERANCES.get('forward_passes'));
  });

  it('rejects a malformed rule with the key path and what was expected', () => {
    const file = join(temp(), 't.yaml');
    const rejects = (yaml: string, message: RegExp): void => {
      writeFileSync(file, yaml);
      expect(() => loadTolerances(file)).toThrow(message);
    };
    rejects('metrics:\n  success_rate: {abs: 2, rel: 0.1}\n', /metrics\.success_rate: give exactly one of abs, rel, ratio/);
    rejects('metrics:\n  mean_time_s: {ratio: 0.5}\n', /metrics\.mean_time_s\.ratio: /);
    rejects('metrics:\n  success_rate: {abs: -1}\n', /metrics\.success_rate\.abs/);
    rejects('metrics:\n  coverage: {abs: 1}\n', /metrics\.coverage: no default direction/);
    rejects('metric:\n  success_rate: {abs: 1}\n', /t\.yaml: /);
    rejects('metrics: [', /invalid YAML/);
  });
});

describe('comparing two runs', () => {
  it('finds nothing to report between a run and itself', () => {
    const dir = writeFixtureRun(join(temp(), 'base'), BASELINE);
    const c = compareRuns(readRunSide(dir), readRunSide(dir), DEFAULT_TOLERANCES);
    expect(regressionCount(c)).toBe(0);
    expect(c.jobs).toHaveLength(3);
    expect(c.jobs.flatMap((j) => j.metrics).every((m) => m.verdict === 'same')).toBe(true);
    expect(c.jobs.map((j) => j.flips)).toEqual(BASELINE.map(() => ({ paired: 40, newlyBroken: [], newlyRobust: [], p: 1 })));
  });

  it('warns when the two runs used different engines (backend or wasm kernels), and not otherwise', () => {
    const info = JSON.parse(readFileSync(join(root, 'results', 'baseline', 'run.json'), 'utf8')) as Record<string, unknown>;
    const run = (name: string, kernels: string | undefined): string => {
      const dir = writeFixtureRun(join(temp(), name), BASELINE);
      writeFileSync(join(dir, 'run.json'), JSON.stringify({ ...info, kernels }));
      return dir;
    };
    const native = run('native', 'native avx2');
    const engineWarnings = (a: string, b: string): string[] => compareRuns(readRunSide(a), readRunSide(b), DEFAULT_TOLERANCES).warnings.filter((w) => w.includes('different engines'));
    expect(engineWarnings(native, run('native-again', 'native avx2'))).toEqual([]);
    expect(engineWarnings(native, run('off', 'off (GAUNTLET_NATIVE=0)'))).toEqual([
      'the runs used different engines (wasm with kernels native avx2 vs wasm with kernels off (GAUNTLET_NATIVE=0)): float32 sums differ in the last bits, which can flip a borderline sample, and times are not comparable',
    ]);
    expect(engineWarnings(run('old', undefined), native)[0]).toMatch(/^the runs used different engines \(wasm with kernels unrecorded vs wasm with kernels native avx2\)/);
  });

  it('flags a weaker attack, a cost change and a lost job, lists flipped samples, and matches renamed jobs by their work', () => {
    const dir = temp();
    const base = writeFixtureRun(join(dir, 'base'), BASELINE);
    // fgsm: 4 samples no longer broken, 1 newly broken → 17/40 = 42.5% (was 50%); pgd: one forward pass more
    const broken = BASELINE[0].broken.map((b, i) => (i < 8 && b ? false : i === 1 ? true : b));
    const current = writeFixtureRun(join(dir, 'current'), [
      { ...BASELINE[0], job: 'bbbb00000001', broken },
      { ...BASELINE[1], forward: 4001, timeS: 0.02 },
      fixtureJob({ job: 'aaaa00000009', attack: 'salt-pepper', threat: 'l0<=10', params: '{"max_pixels":10}' }),
    ]);
    const c = compareRuns(readRunSide(base), readRunSide(current), DEFAULT_TOLERANCES);
    const fgsm = c.jobs.find((j) => j.baseline.attack === 'fgsm')!;
    expect(fgsm.current.job).toBe('bbbb00000001');
    expect(fgsm.metrics.find((m) => m.metric === 'success_rate')).toMatchObject({ baseline: 50, current: 42.5, delta: -7.5, verdict: 'regression' });
    // McNemar on 1 vs 4 flips: 2 · (C(5,0) + C(5,1)) / 2^5 = 12/32
    expect(fgsm.flips).toEqual({ paired: 40, newlyBroken: [1], newlyRobust: [0, 2, 4, 6], p: 0.375 });
    const pgd = c.jobs.find((j) => j.baseline.attack === 'pgd')!;
    expect(pgd.metrics.find((m) => m.metric === 'forward_passes')?.verdict).toBe('regression');
    expect(pgd.metrics.find((m) => m.metric === 'mean_time_s')?.verdict).toBe('ok');
    expect(c.missing.map((r) => r.attack)).toEqual(['random']);
    expect(c.added.map((r) => r.attack)).toEqual(['salt-pepper']);
    expect(regressionCount(c)).toBe(3);
  });

  it('skips the paired test when a run has no samples.jsonl', () => {
    const dir = temp();
    const c = compareRuns(readRunSide(writeFixtureRun(join(dir, 'a'), BASELINE)), readRunSide(writeFixtureRun(join(dir, 'b'), BASELINE, { samples: false })), DEFAULT_TOLERANCES);
    expect(c.jobs.every((j) => j.flips === undefined)).toBe(true);
  });
});

describe('gauntlet compare (CLI)', () => {
  it('exits 0 without regression, 1 with one, 2 on bad input, and writes compare.md and compare.csv', () => {
    const dir = temp();
    const base = writeFixtureRun(join(dir, 'base'), BASELINE);
    const slower = writeFixtureRun(join(dir, 'slower'), BASELINE.map((j) => ({ ...j, timeS: j.timeS * 5 })));

    const regressed = gauntlet(['compare', base, slower, '--out', join(dir, 'out')]);
    expect(regressed.stderr).toBe('');
    expect(regressed.status).toBe(1);
    expect(regressed.stdout).toMatch(/mnist-mlp-10-10-10 · fgsm · linf<=0\.1\s+mean_time_s\s+0\.01\s+0\.05\s+\+0\.04\s+×3\s+REGRESSION/);
    expect(regressed.stdout).toMatch(/3 regression\(s\)\./);
    const csv = parse(readFileSync(join(dir, 'out', 'compare.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(csv.filter((r) => r.verdict === 'regression').map((r) => r.metric)).toEqual(['mean_time_s', 'mean_time_s', 'mean_time_s']);
    expect(csv.find((r) => r.metric === 'mcnemar_p')).toMatchObject({ current: '1', verdict: 'info' });
    expect(readFileSync(join(dir, 'out', 'compare.md'), 'utf8')).toMatch(/^# gauntlet compare\n[\s\S]*\| job \| metric \| baseline \| current \| delta \| tolerance \| verdict \|/);

    const wide = join(dir, 'wide.yaml');
    writeFileSync(wide, 'metrics:\n  mean_time_s: {ratio: 10}\n');
    const tolerated = gauntlet(['compare', base, slower, '--tolerances', wide]);
    expect(tolerated.status).toBe(0);
    expect(tolerated.stdout).toMatch(/No regression\./);

    expect(() => readRunSide(join(dir, 'nope'))).toThrow(`${join(dir, 'nope')}: no such directory; expected a gauntlet run directory (with leaderboard.csv)`);
    writeFileSync(wide, 'metrics:\n  mean_time_s: {ratio: 10, abs: 1}\n');
    const bad = gauntlet(['compare', base, slower, '--tolerances', wide]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^gauntlet: .*wide\.yaml: metrics\.mean_time_s: give exactly one of abs, rel, ratio[^\n]*\n$/);
    expect(existsSync(join(dir, 'out', 'compare.md'))).toBe(true);
  });
});
