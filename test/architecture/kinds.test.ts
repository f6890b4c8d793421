/**
 * DESIGN.md §2: every switch over a kind ends in `default: return assertNever(x)` (or throws
 * through it), so adding a member to a kind's union makes the compiler point at the switch.
 * (random/, which imports nothing, assigns to a `never` variable instead).
 * Read with the TypeScript parser: a switch on `x.kind`, `kind`, or a value typed by a kind
 * name from domain/kinds.ts (policy, router, format) counts. The self-test shows a missing default is caught.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { HARDWARE_KINDS } from '../../src/domain/kinds.js';

const SRC = resolve(__dirname, '../../src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** A switch subject that names a kind: `kind`, `x.kind`, `x.format`, `x.policy`, `x.router`. */
const KIND_SUBJECT = /(^|\.)(kind|format|policy|router)$/;

function endsInAssertNever(node: ts.SwitchStatement): boolean {
  const clauses = node.caseBlock.clauses;
  const last = clauses[clauses.length - 1];
  if (!last || !ts.isDefaultClause(last)) return false;
  let found = false;
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && n.expression.getText() === 'assertNever') found = true;
    // Leaf layers that may not import domain/ declare the `never` themselves.
    if (ts.isVariableDeclaration(n) && n.type?.kind === ts.SyntaxKind.NeverKeyword) found = true;
    n.forEachChild(visit);
  };
  last.statements.forEach(visit);
  return found;
}

/** `file:line switch (subject)` for every kind switch without a final assertNever. */
export function unguardedSwitches(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isSwitchStatement(n) && KIND_SUBJECT.test(n.expression.getText()) && !endsInAssertNever(n)) {
      const line = source.getLineAndCharacterOfPosition(n.getStart()).line + 1;
      found.push(`${fileName}:${line} switch (${n.expression.getText()})`);
    }
    n.forEachChild(visit);
  };
  visit(source);
  return found;
}

/**
 * `file:line` of every `x.kind === 'wafer'`-style test of a hardware kind: such a test sends a new
 * kind down the other branch without the compiler noticing. Registries keyed by HardwareKind
 * (perf/hardware.ts) and switches ending in assertNever are the way to branch on the kind.
 */
export function hardwareKindTests(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const isKind = (n: ts.Expression) => ts.isStringLiteral(n) && (HARDWARE_KINDS as readonly string[]).includes(n.text);
  const visit = (n: ts.Node): void => {
    if (ts.isBinaryExpression(n) && [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken].includes(n.operatorToken.kind)) {
      const [a, b] = [n.left, n.right];
      if ((isKind(a) && /(^|\.)kind$/.test(b.getText())) || (isKind(b) && /(^|\.)kind$/.test(a.getText()))) {
        found.push(`${fileName}:${source.getLineAndCharacterOfPosition(n.getStart()).line + 1}`);
      }
    }
    n.forEachChild(visit);
  };
  visit(source);
  return found;
}

/** Where a hardware kind is tested by name on purpose. */
const KIND_TESTS_ALLOWED = new Set([
  // The Codex-Spark answer asks what the fleet costs at another CS-3 price: wafers by name.
  'study/launch-answer.ts',
]);

describe('hardware kinds', () => {
  it('no code outside the registries tests a hardware kind by name', () => {
    const found = files(SRC)
      .filter((f) => !KIND_TESTS_ALLOWED.has(relative(SRC, f)))
      .flatMap((f) => hardwareKindTests(relative(SRC, f), readFileSync(f, 'utf8')));
    expect(found).toEqual([]);
  });

  it('self-test: a ternary on the kind is reported, a registry lookup is not', () => {
    expect(hardwareKindTests('bad.ts', `const unit = e.hardware.kind === 'wafer' ? 'wafer' : 'GPU';`)).toEqual(['bad.ts:1']);
    expect(hardwareKindTests('good.ts', `const unit = HARDWARE_MODELS[e.hardware.kind].deviceLabel;`)).toEqual([]);
  });
});

describe('kind switches', () => {
  it('every switch over a kind in src/ ends in assertNever', () => {
    const found = files(SRC)
      .flatMap((f) => unguardedSwitches(relative(SRC, f), readFileSync(f, 'utf8')));
    expect(found).toEqual([]);
  });

  it('self-test: a kind switch without the default is reported, one with it is not', () => {
    const bad = `function f(h: { kind: 'a' | 'b' }) { switch (h.kind) { case 'a': return 1; case 'b': return 2; } }`;
    const good = `function f(h: { kind: 'a' }) { switch (h.kind) { case 'a': return 1; default: return assertNever(h.kind); } }`;
    expect(unguardedSwitches('bad.ts', bad)).toEqual(['bad.ts:1 switch (h.kind)']);
    expect(unguardedSwitches('good.ts', good)).toEqual([]);
  });
});
