/**
 * Builds the explorer page (src/explore/) with esbuild into one self-contained index.html: the
 * page bundle is a classic script (Chromium blocks module scripts from file://), the run worker
 * is bundled separately and inlined as a string the page turns into a Blob URL, and the model
 * and hardware library is read here (io/models.ts, SI specs) and bundled in as JSON.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import type { ExploreData } from '../explore/data.js';
import { hardwareIds, llmIds, loadHardware, loadLlm } from './models.js';
import { packageRoot, packageVersion } from './package.js';

export interface ExplorerPage {
  html: string;
  /** Bytes of the page script and of the worker script inside it. */
  pageBytes: number;
  workerBytes: number;
}

const COMMON: BuildOptions = {
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  write: false,
  legalComments: 'none',
  logLevel: 'silent',
  define: { 'process.env.NODE_ENV': '"production"' },
};

async function bundle(entry: string, define: Record<string, string>): Promise<string> {
  const result = await build({ ...COMMON, entryPoints: [entry], define: { ...COMMON.define, ...define } });
  return result.outputFiles![0].text;
}

export function explorerData(): ExploreData {
  return { llms: llmIds().map((id) => loadLlm(id)), hardware: hardwareIds().map((id) => loadHardware(id)), version: packageVersion() };
}

export async function buildExplorer(): Promise<ExplorerPage> {
  const dir = join(packageRoot(), 'src', 'explore');
  const worker = await bundle(join(dir, 'worker.ts'), {});
  const page = await bundle(join(dir, 'main.ts'), { __WAFERSIM_DATA__: JSON.stringify(explorerData()), __WORKER_SOURCE__: JSON.stringify(worker) });
  // esbuild escapes "</script" inside strings; anything left would end the inline script early.
  if (/<\/script/i.test(page)) throw new Error('explorer: the page bundle contains "</script" and cannot be inlined');
  const template = readFileSync(join(dir, 'page.html'), 'utf8');
  const [before, after] = template.split('<!--BUNDLE-->');
  if (after === undefined) throw new Error('explorer: src/explore/page.html has no <!--BUNDLE--> marker');
  return { html: `${before}<script>${page}</script>${after}`, pageBytes: Buffer.byteLength(page), workerBytes: Buffer.byteLength(worker) };
}
