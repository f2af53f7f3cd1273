// Checks that cannot fail are no checks: an assertion that compares an expression with itself
// (`assert.equal(x, x)`: "the check bought nothing" once read the same counter twice) is
// refused in every test file of the app and of the package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../lib/procs.mjs';

/** The self-comparisons in `text`: `assert.<equal|deepEqual|…>(A, A…)` with A's text the same both times. */
export function selfComparisons(text) {
  const found = [];
  const re = /assert\.(equal|strictEqual|deepEqual|deepStrictEqual|notEqual|notDeepEqual)\(/g;
  for (const m of text.matchAll(re)) {
    // The two first arguments: split at the first top-level comma, twice.
    const args = [];
    let depth = 0,
      start = m.index + m[0].length,
      i = start,
      quote = null;
    for (; i < text.length && args.length < 2; i++) {
      const c = text[i];
      if (quote) {
        if (c === '\\') i++;
        else if (c === quote) quote = null;
        continue;
      }
      if (c === '"' || c === "'" || c === '`') quote = c;
      else if ('([{'.includes(c)) depth++;
      else if (')]}'.includes(c)) {
        if (depth === 0) {
          args.push(text.slice(start, i).trim());
          break;
        }
        depth--;
      } else if (c === ',' && depth === 0) {
        args.push(text.slice(start, i).trim());
        start = i + 1;
      }
    }
    if (args.length === 2 && args[0] === args[1]) found.push(`${m[0]}${args[0]}, ${args[1]}`);
  }
  return found;
}

test('no assertion compares an expression with itself', () => {
  assert.deepEqual(selfComparisons("assert.equal((await s.stats()).report, (await s.stats()).report, 'bought nothing');"), [
    'assert.equal((await s.stats()).report, (await s.stats()).report',
  ]);
  assert.deepEqual(selfComparisons("assert.equal(after, before, 'x'); assert.deepEqual(f(a, b), f(a, c));"), []);
  const dirs = [join(ROOT, 'tests'), join(ROOT, '..', 'tests', 'js')];
  const found = dirs.flatMap((d) =>
    readdirSync(d)
      .filter((f) => /\.m?js$/.test(f) && f !== 'honest.test.mjs')
      .flatMap((f) => selfComparisons(readFileSync(join(d, f), 'utf8')).map((x) => `${f}: ${x}`)),
  );
  assert.deepEqual(found, []);
});
