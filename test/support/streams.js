/**
 * Response bodies as streams, and the memory a test run takes, for the tests of the caps on what the
 * node reads of an answer. Plain JavaScript, like test/support/http.js: the linted TypeScript tests
 * import none of Node's built-ins.
 */
'use strict';

const { Readable } = require('node:stream');
const { gzipSync } = require('node:zlib');

/**
 * A body of `size` bytes: `head`, then `fill` repeated, made as it is read (never held whole).
 * @param {number} size
 * @param {string} [head]
 * @param {string} [fill]
 * @returns {Readable}
 */
function bodyOf(size, head = '', fill = 'x') {
	let left = size - Buffer.byteLength(head);
	let first = true;
	return new Readable({
		read() {
			if (first) {
				first = false;
				this.push(head);
				return;
			}
			if (left <= 0) return void this.push(null);
			const length = Math.min(left, 16384);
			left -= length;
			this.push(fill.repeat(Math.ceil(length / fill.length)).slice(0, length));
		},
	});
}

/**
 * A stream of `chunks` (text or bytes), as bytes.
 * @param {...(string | Buffer)} chunks
 * @returns {Readable}
 */
function streamOf(...chunks) {
	return Readable.from(chunks, { objectMode: false });
}

/**
 * A stream that gives `first` and then nothing, never ending.
 * @param {string} first
 * @returns {Readable}
 */
function stalledStream(first) {
	const stream = new Readable({ read() {} });
	stream.push(first);
	return stream;
}

/**
 * `text` gzip-compressed.
 * @param {string | Buffer} text
 * @returns {Buffer}
 */
function gzip(text) {
	return gzipSync(text);
}

/**
 * Whether a stream was destroyed, after the events of this turn have run.
 * @param {{ destroyed: boolean }} stream
 * @returns {Promise<boolean>}
 */
async function destroyedSoon(stream) {
	await new Promise((resolve) => setImmediate(resolve));
	return stream.destroyed;
}

/**
 * What `run` resolves to, and the most the process' heap and buffer memory grew above its level at
 * the start while it ran (sampled every 5 ms).
 * @template T
 * @param {() => Promise<T>} run
 * @returns {Promise<{ value: T, growth: number }>}
 */
async function peakMemoryGrowth(run) {
	const used = () => {
		const { heapUsed, arrayBuffers } = process.memoryUsage();
		return heapUsed + arrayBuffers;
	};
	const start = used();
	let peak = start;
	const sampler = setInterval(() => (peak = Math.max(peak, used())), 5);
	try {
		const value = await run();
		peak = Math.max(peak, used());
		return { value, growth: peak - start };
	} finally {
		clearInterval(sampler);
	}
}

module.exports = { bodyOf, streamOf, stalledStream, gzip, destroyedSoon, peakMemoryGrowth };
