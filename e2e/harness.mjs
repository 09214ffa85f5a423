// A minimal sequential test runner for the e2e suite: each test is an async function; the run ends
// with the plain line `N passed, N failed`.
import assert from 'node:assert/strict';

export function createHarness({ log = (line) => process.stdout.write(`${line}\n`) } = {}) {
	const tests = [];
	return {
		test(name, fn) {
			tests.push({ name, fn });
		},
		/** Runs every test in order; resolves to {passed, failed}. */
		async run() {
			let passed = 0;
			let failed = 0;
			for (const { name, fn } of tests) {
				const startedAt = Date.now();
				try {
					await fn();
					passed++;
					log(`ok - ${name} (${seconds(startedAt)} s)`);
				} catch (error) {
					failed++;
					log(`not ok - ${name} (${seconds(startedAt)} s)`);
					log(indent(error?.stack ?? String(error)));
				}
			}
			return { passed, failed };
		},
	};
}

function seconds(startedAt) {
	return ((Date.now() - startedAt) / 1000).toFixed(1);
}

function indent(text) {
	return text
		.split('\n')
		.map((line) => `    ${line}`)
		.join('\n');
}

/**
 * Asserts that two lists of items are equal element by element, and on failure names the first
 * differing index with both values, which is more useful than a diff of hundreds of rows.
 */
export function assertSameItems(actual, expected, what) {
	for (let i = 0; i < Math.min(actual.length, expected.length); i++) {
		try {
			assert.deepStrictEqual(actual[i], expected[i]);
		} catch {
			assert.fail(
				`${what}: item ${i} differs.\n  actual:   ${JSON.stringify(actual[i])}\n  expected: ${JSON.stringify(expected[i])}`,
			);
		}
	}
	assert.equal(actual.length, expected.length, `${what}: ${actual.length} items, expected ${expected.length}`);
}
