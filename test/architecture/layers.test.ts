/**
 * DESIGN.md §2: imports only point down the layer table. This test reads every module under src/
 * with the TypeScript compiler (not a regex) and fails on
 * - an import that points up or sideways outside the table, or leaves src/;
 * - a package the kernel, random or domain may not use;
 * - a Node built-in module (`node:fs`, `fs`, …) outside cli/ and io/, where files and processes live;
 * - a nondeterministic global (`Math.random`, `Date`, `performance`, `process`, timers) outside
 *   cli/ and io/: the type checker resolves each name, so a local variable called `process` passes.
 */
import { builtinModules } from 'node:module';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../../src');

/** Each layer and the layers it may import (its own folder is always allowed). */
const MAY_IMPORT: Record<string, string[]> = {
  cli: ['api', 'io', 'explore', 'study', 'report', 'metrics', 'serving', 'client', 'workload', 'perf', 'scenario', 'domain', 'random', 'kernel'],
  // api/: the typed library the package exports; the commands are built on it.
  api: ['io', 'explore', 'study', 'report', 'metrics', 'serving', 'client', 'workload', 'perf', 'scenario', 'domain', 'random', 'kernel'],
  io: ['explore', 'study', 'report', 'metrics', 'serving', 'client', 'workload', 'perf', 'scenario', 'domain', 'random', 'kernel'],
  // The explorer page (runs in a browser; io/explorer.ts bundles it): the simulator's own code, nothing of io/ or cli/.
  explore: ['study', 'report', 'metrics', 'serving', 'client', 'workload', 'perf', 'scenario', 'domain', 'random', 'kernel'],
  study: ['report', 'metrics', 'serving', 'client', 'workload', 'perf', 'scenario', 'domain', 'random', 'kernel'],
  report: ['metrics', 'domain'],
  metrics: ['domain'],
  serving: ['kernel', 'perf', 'domain', 'random'],
  client: ['kernel', 'domain', 'random'],
  workload: ['kernel', 'domain', 'random'],
  perf: ['domain'],
  // scenario/resolve.ts is pure: the files and the hardware rules are handed in (io/, study/).
  scenario: ['domain'],
  domain: [],
  // random samples the distribution descriptions of domain/distribution.ts (plain types, no LLM words).
  random: ['domain'],
  kernel: [],
};
/** Packages a pure layer may use; other layers may use any dependency. */
const PACKAGES_ALLOWED: Record<string, string[] | undefined> = {
  kernel: [],
  random: ['seedrandom'],
  domain: [],
  // Page code runs in a browser: no node:* module, only packages that bundle for one.
  explore: ['d3-scale', 'yaml'],
};
/** Where files, processes, clocks and the console may be touched. */
const EFFECTFUL = new Set(['cli', 'io']);
/** Globals whose values differ from run to run, or that reach outside the program. */
const NONDETERMINISTIC = new Set(['Date', 'performance', 'process', 'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'require', 'crypto']);
const BUILTINS = new Set(builtinModules);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const layerOf = (file: string) => relative(SRC, file).split(sep)[0];

/** Module specifiers a source file imports, in every form: import, export … from, import(), import x = require(). */
export function importsOf(sf: ts.SourceFile): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) found.push(node.arguments[0].text);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) found.push(node.moduleReference.expression.text);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** Is this identifier the global of that name (declared by a lib or @types/node file, not by the program)? */
function isGlobal(checker: ts.TypeChecker, id: ts.Identifier): boolean {
  const symbol = checker.getSymbolAtLocation(id);
  const decls = symbol?.declarations ?? [];
  return decls.length > 0 && decls.every((d) => /[\\/]node_modules[\\/](typescript[\\/]lib|@types[\\/]node)[\\/]/.test(d.getSourceFile().fileName));
}

/** Every rule above, for the given files (paths under src/; `overrides` replaces or adds sources). */
export function violations(paths: string[], overrides: Record<string, string> = {}): string[] {
  const host = ts.createCompilerHost({});
  const read = host.readFile.bind(host);
  host.readFile = (f) => overrides[resolve(f)] ?? read(f);
  const exists = host.fileExists.bind(host);
  host.fileExists = (f) => resolve(f) in overrides || exists(f);
  const program = ts.createProgram(paths, { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: ['node'], noEmit: true, skipLibCheck: true }, host);
  const checker = program.getTypeChecker();
  const out: string[] = [];
  for (const file of paths) {
    const sf = program.getSourceFile(file);
    if (!sf) continue;
    const where = relative(SRC, file);
    const layer = layerOf(file);
    const allowed = MAY_IMPORT[layer];
    if (!allowed) {
      out.push(`${where}: folder src/${layer} is not in the layer table`);
      continue;
    }
    for (const spec of importsOf(sf)) {
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(SRC + sep)) out.push(`${where}: imports ${spec}, outside src/`);
        else if (layerOf(target) !== layer && !allowed.includes(layerOf(target))) out.push(`${where}: ${layer}/ may not import ${layerOf(target)}/ (${spec})`);
      } else if (spec.startsWith('node:') || BUILTINS.has(spec.split('/')[0])) {
        if (!EFFECTFUL.has(layer)) out.push(`${where}: ${layer}/ may not import the Node built-in ${spec} (only cli/ and io/ touch files and processes)`);
      } else {
        const pkgs = PACKAGES_ALLOWED[layer];
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        if (pkgs && !pkgs.includes(name)) out.push(`${where}: ${layer}/ may not import the package ${spec}`);
      }
    }
    if (EFFECTFUL.has(layer)) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isIdentifier(node) && !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node) && !ts.isTypeReferenceNode(node.parent) && isGlobal(checker, node)) {
        const line = sf.getLineAndCharacterOfPosition(node.getStart()).line + 1;
        if (NONDETERMINISTIC.has(node.text)) out.push(`${where}:${line}: ${layer}/ may not use the global ${node.text} (nondeterministic or effectful; only cli/ and io/)`);
        else if (node.text === 'Math' && ts.isPropertyAccessExpression(node.parent) && node.parent.name.text === 'random') out.push(`${where}:${line}: ${layer}/ may not use Math.random (randomness comes from random/ streams)`);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

const all = files(SRC);

describe('layer rule (DESIGN.md §2)', () => {
  it('finds imports in all their forms', () => {
    const sf = ts.createSourceFile('x.ts', `import { a } from '../x.js';\nimport type { B } from "./y.js";\nexport * from './z.js';\nconst m = await import('../w.js');\nimport {\n  c,\n} from 'pkg';\nimport fs = require('fs');`, ts.ScriptTarget.ES2022);
    expect(importsOf(sf)).toEqual(['../x.js', './y.js', './z.js', '../w.js', 'pkg', 'fs']);
  });
  it('has no import pointing up the table, no Node built-in and no nondeterministic global outside cli/ and io/', () => {
    expect(violations(all)).toEqual([]);
  });
  it('catches a node:fs import, Date.now, Math.random and process in perf/, but not a local named process', () => {
    const bad = join(SRC, 'perf', '__bad.ts');
    const source = [
      "import { readFileSync } from 'node:fs';",
      "import { join } from 'path';",
      'export const t = Date.now() + Math.random() + process.pid + readFileSync.length + join.length;',
      'export function ok(process: { next(): number }): number { return process.next(); }',
      "import { perfModel } from '../study/run.js';",
    ].join('\n');
    const found = violations([bad], { [bad]: source });
    expect(found).toEqual([
      'perf/__bad.ts: perf/ may not import the Node built-in node:fs (only cli/ and io/ touch files and processes)',
      'perf/__bad.ts: perf/ may not import the Node built-in path (only cli/ and io/ touch files and processes)',
      'perf/__bad.ts: perf/ may not import study/ (../study/run.js)',
      'perf/__bad.ts:3: perf/ may not use the global Date (nondeterministic or effectful; only cli/ and io/)',
      'perf/__bad.ts:3: perf/ may not use Math.random (randomness comes from random/ streams)',
      'perf/__bad.ts:3: perf/ may not use the global process (nondeterministic or effectful; only cli/ and io/)',
    ]);
  });
  it('kernel and random know no LLM words', () => {
    const words = /\b(request|token|gpu|wafer|prefill|decode|llm|kv)\b/i;
    const offending = all
      .filter((f) => ['kernel', 'random'].includes(layerOf(f)))
      .flatMap((f) => readFileSync(f, 'utf8').split('\n').map((line, i) => ({ f, i, line })))
      .filter(({ line }) => words.test(line))
      .map(({ f, i, line }) => `${relative(SRC, f)}:${i + 1}: ${line.trim()}`);
    expect(offending).toEqual([]);
  });
});
