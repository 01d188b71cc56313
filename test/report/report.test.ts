// gauntlet report on a real small run: report.md and its pictures, and report.html opened from disk
// in headless Chromium with the network cut off — every image decoded, every plot drawn.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import { parse as parseCsv } from 'csv-parse/sync';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';

/** The little of the DOM the in-page checks use (the project compiles without the DOM library). */
declare const document: {
  images: Iterable<{ alt: string; complete: boolean; naturalWidth: number }>;
  querySelectorAll(selector: string): Iterable<{ getBoundingClientRect(): { width: number; height: number }; querySelectorAll(selector: string): { length: number } }>;
};

function gauntlet(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(root, 'bin', 'gauntlet.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// two budgets of fgsm (a success-against-budget plot) and a black-box baseline
const CONFIG = `name: report-e2e
seed: 5
models: [mnist-mlp-10-10-10]
data: {dataset: mnist, split: test, samples: 10}
attacks:
  - {id: fgsm, params: {epsilon: 0.1}}
  - {id: fgsm, params: {epsilon: 0.25}}
  - {id: random, params: {epsilon: 0.1, trials: 3}}
`;

let dir: string;
let run: string;
let plots: number;
let drawn: number;

/** Files plugins and the harness leave that the report must pick up by their shape, not their name. */
async function addArtifacts(runDir: string): Promise<void> {
  const [row] = parseCsv(readFileSync(join(runDir, 'leaderboard.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  const job = row.job;
  const artifacts = join(runDir, 'artifacts', job);
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(join(artifacts, 'anytime.csv'), 't,elapsed_s,lower,upper,estimate,radius\n1,0.4,1,9,5,4\n2,1.1,2,6,4,2\n3,2.5,2,4,3,1\n');
  await sharp(Buffer.alloc(28 * 28, 200), { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(join(artifacts, 'saliency-0.png'));
  const brackets = ['model,index,norm,lower,upper'];
  for (let i = 0; i < 10; i++) brackets.push(`mnist-mlp-10-10-10,${i},l0,${i % 3},${3 + i}`, `mnist-mlp-10-10-10,${i},linf,${i / 100},${(i + 1) / 10}`);
  writeFileSync(join(runDir, 'brackets.csv'), brackets.join('\n') + '\n');
  writeFileSync(join(runDir, 'contradictions.csv'), 'model,index,norm,bound_attack,bound_value,adversarial_attack,distance\nmnist-mlp-10-10-10,3,l0,verifier,5,fgsm,4\n');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gauntlet-report-'));
  writeFileSync(join(dir, 'report.yaml'), CONFIG);
  run = join(dir, 'run');
  const ran = gauntlet(['run', join(dir, 'report.yaml'), '--out', run, '--workers', '1']);
  expect(ran.status).toBe(0);
  await addArtifacts(run);
  const began = performance.now();
  const report = gauntlet(['report', run, '--images', '3']);
  console.log(`gauntlet report took ${((performance.now() - began) / 1000).toFixed(1)} s (process start included): ${report.stdout.trim()}`);
  expect(report.stderr).toBe('');
  expect(report.status).toBe(0);
  const counts = /\((\d+) plots, (\d+) adversarials drawn\)/.exec(report.stdout) as RegExpExecArray;
  plots = Number(counts[1]);
  drawn = Number(counts[2]);
});

describe('gauntlet report', () => {
  it('plots the leaderboard, the distances, the budgets, and CSVs it finds in the run', () => {
    // success rate, success against the linf budget, four distance norms, brackets.csv, anytime.csv,
    // and a chart per metric column the run adds (FID, transferability, coverage, …)
    expect(plots).toBeGreaterThanOrEqual(8);
    expect(drawn).toBeGreaterThanOrEqual(3);
    const md = readFileSync(join(run, 'report.md'), 'utf8');
    for (const title of ['Success rate per attack and model', 'Success rate against the linf budget', 'L2 distance', 'brackets.csv', 'anytime.csv — ']) expect(md).toContain(title);
    // a run-wide CSV without bounds is a list of findings: a table, not a plot
    expect(md).toContain('### contradictions.csv\n\n| model | index | norm | bound_attack | bound_value | adversarial_attack | distance |\n|---|---|---|---|---|---|---|\n| mnist-mlp-10-10-10 | 3 | l0 | verifier | 5 | fgsm | 4 |');
    const linked = [...md.matchAll(/\]\((report-assets\/[^)]+)\)/g)].map((m) => m[1]);
    expect(linked.length).toBe(plots + 3 * drawn + 1);
    for (const file of linked) expect(statSync(join(run, file)).size).toBeGreaterThan(0);
  });

  it('draws original, adversarial and difference at ×4 as grayscale PNGs', async () => {
    const pngs = readdirSync(join(run, 'report-assets')).filter((f) => f.endsWith('-difference.png'));
    expect(pngs.length).toBe(drawn);
    const meta = await sharp(join(run, 'report-assets', pngs[0])).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([112, 112, 1]);
  });

  it('writes a report.html that needs nothing but itself', () => {
    const html = readFileSync(join(run, 'report.html'), 'utf8');
    expect(html).not.toMatch(/(src|href)="(?!data:|#)/);
    expect(html).not.toMatch(/<script|<link|@import|url\((?!#)/);
  });

  it('renders in headless Chromium: every image loaded, every plot drawn, no request leaves the file', async () => {
    if (!existsSync(CHROMIUM)) {
      if (process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs the Debian package chromium before npm test`);
      console.warn(`\n\n*** report screenshot test SKIPPED: ${CHROMIUM} is not installed (apt-get install -y chromium) ***\n\n`);
      return;
    }
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const requests: string[] = [];
      page.on('request', (request) => {
        if (!/^(file|data):/.test(request.url())) requests.push(request.url());
      });
      await page.goto(pathToFileURL(join(run, 'report.html')).href, { waitUntil: 'load' });
      const images = await page.evaluate(() => [...document.images].map((img) => ({ alt: img.alt, complete: img.complete, width: img.naturalWidth })));
      expect(images.length).toBe(3 * drawn + 1);
      expect(images.filter((image) => !image.complete || image.width === 0)).toEqual([]);
      const svgs = await page.evaluate(() =>
        [...document.querySelectorAll('figure.plot svg')].map((svg) => {
          const box = svg.getBoundingClientRect();
          return { width: box.width, height: box.height, marks: svg.querySelectorAll('g.role-mark > *').length };
        }),
      );
      expect(svgs.length).toBe(plots);
      for (const svg of svgs) {
        expect(svg.width).toBeGreaterThan(50);
        expect(svg.height).toBeGreaterThan(20);
        expect(svg.marks).toBeGreaterThan(0);
      }
      const screenshot = join(dir, 'report.png');
      await page.screenshot({ path: screenshot, fullPage: true });
      expect(statSync(screenshot).size).toBeGreaterThan(10_000);
      console.log(`report screenshot: ${screenshot}`);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
