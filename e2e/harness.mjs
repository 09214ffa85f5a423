// A minimal sequential test runner for the e2e suite: each test is an async function; the run ends
// with the plain line `N passed, N failed`.
import assert from 'node:assert/strict';

/**
 * `knownFailures` maps a test name to why it fails where it runs (a known incompatibility of the
 * node's code, named precisely). Such a test still runs and its failure is printed in full, marked
 * `# KNOWN FAILURE`, and counted apart instead of as failed; if it passes, that is a failure
 * (`# UNEXPECTED PASS`), so the mark goes once the cause is fixed.
 */
export function createHarness({ log = (line) => process.stdout.write(`${line}\n`), knownFailures = {} } = {}) {
	const tests = [];
	return {
		test(name, fn) {
			tests.push({ name, fn });
		},
		/** Runs every test in order; resolves to {passed, failed, known} (`known`: the names of known failures that failed). */
		async run() {
			let passed = 0;
			let failed = 0;
			const known = [];
			for (const { name, fn } of tests) {
				const startedAt = Date.now();
				const knownFailure = knownFailures[name];
				try {
					await fn();
					if (knownFailure) {
						failed++;
						log(`not ok - ${name} (${seconds(startedAt)} s) # UNEXPECTED PASS: marked as a known failure (${knownFailure}); remove the mark`);
					} else {
						passed++;
						log(`ok - ${name} (${seconds(startedAt)} s)`);
					}
				} catch (error) {
					if (knownFailure) known.push(name);
					else failed++;
					log(`not ok - ${name} (${seconds(startedAt)} s)${knownFailure ? ` # KNOWN FAILURE: ${knownFailure}` : ''}`);
					log(indent(error?.stack ?? String(error)));
				}
			}
			for (const name of Object.keys(knownFailures)) {
				if (!tests.some((test) => test.name === name)) {
					failed++;
					log(`not ok - ${name} # a known failure names no test of this suite; correct the mark`);
				}
			}
			return { passed, failed, known };
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
