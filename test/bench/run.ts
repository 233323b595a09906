// Benchmark runner: `npm run bench [-- file.bench.ts ...]`. Prints a table and one JSON line per
// result. Benchmarks inform, they do not gate: a missed target prints MISSED and still exits 0;
// only a benchmark that crashes makes the exit code non-zero.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchModule, BenchResult } from './bench-types.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

function benchFiles(argv: string[]): string[] {
  if (argv.length > 0) return argv.map((f) => path.resolve(f));
  return fs
    .readdirSync(here)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort()
    .map((f) => path.join(here, f));
}

const num = (x: number): string =>
  Number.isFinite(x) ? String(Number(x.toPrecision(4))) : x > 0 ? 'inf' : String(x);

function verdict(r: BenchResult): string {
  if (r.pass === undefined) return r.target ? 'info' : '';
  return r.pass ? 'ok' : 'MISSED';
}

function printTable(results: BenchResult[]): void {
  const rows = [
    ['name', 'value', 'unit', 'baseline', 'ratio', 'target', 'result'],
    ...results.map((r) => [
      r.name,
      num(r.value),
      r.unit,
      num(r.baseline),
      `${num(r.ratio)}×`,
      r.target ?? '',
      verdict(r),
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
  for (const row of rows) {
    const line = row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
    console.log(line.trimEnd());
  }
}

// JSON has no Infinity/NaN: write them as strings so the line stays parseable.
const jsonSafe = (_key: string, v: unknown): unknown =>
  typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;

async function main(): Promise<number> {
  const all: BenchResult[] = [];
  let crashed = 0;
  for (const file of benchFiles(process.argv.slice(2))) {
    const name = path.basename(file);
    console.log(`# ${name}`);
    try {
      const mod = (await import(pathToFileURL(file).href)) as BenchModule;
      const results = await mod.run();
      for (const r of results) console.log(`BENCH ${JSON.stringify({ file: name, ...r }, jsonSafe)}`);
      all.push(...results);
    } catch (err) {
      crashed++;
      console.error(`# ${name} crashed:`, err);
    }
  }
  console.log('');
  printTable(all);
  const missed = all.filter((r) => r.pass === false);
  console.log('');
  console.log(
    missed.length === 0
      ? `${all.length} results, every target met`
      : `MISSED ${missed.length} target(s): ${missed.map((r) => r.name).join(', ')}`,
  );
  return crashed > 0 ? 1 : 0;
}

process.exitCode = await main();
