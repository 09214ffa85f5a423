import {
	ANSWER_CAPS,
	AnswerTooLargeError,
	byteSize,
	parseErrorAnswer,
	readAnswer,
	readAnswerPrefix,
	readAnswerText,
} from '../../../../nodes/shared/transport/responseBody';
import { bodyOf, destroyedSoon, stalledStream, streamOf } from '../../../support/streams';

const limits = (maxBytes: number, drop?: (reason: Error) => void) => ({
	maxBytes,
	idleMs: 10_000,
	drop,
});

describe('the caps', () => {
	it('are the stated sizes', () => {
		expect(
			Object.fromEntries(Object.entries(ANSWER_CAPS).map(([k, v]) => [k, byteSize(v)])),
		).toEqual({
			apiJson: '64 MB',
			platformJson: '128 MB',
			reportFile: '512 MB',
			error: '64 KB',
			credential: '256 KB',
		});
		// The longest string V8 makes: a file this size still becomes text.
		expect(ANSWER_CAPS.reportFile).toBe(536_870_888);
	});
});

describe('readAnswerText', () => {
	it('reads a body of exactly the cap, in chunks of bytes or text, multi-byte characters across chunks', async () => {
		const euro = Buffer.from('€', 'utf8');
		const text = await readAnswerText(
			streamOf('ab', euro.subarray(0, 1), euro.subarray(1), 'cd'),
			limits(7),
		);
		expect(text).toBe('ab€cd');
	});

	it('stops one byte past the cap: drops the connection first, destroys the stream, and says the cap', async () => {
		const stream = streamOf('abcd', 'efgh', 'never read');
		const dropped: Error[] = [];
		const error = await readAnswerText(
			stream,
			limits(7, (reason) => dropped.push(reason)),
		).catch((thrown: unknown) => thrown);
		expect(error).toBeInstanceOf(AnswerTooLargeError);
		expect((error as AnswerTooLargeError).what).toBe(
			'went past 7 bytes, the most the node reads of such an answer; it stopped reading there and closed the connection',
		);
		expect(dropped).toEqual([error]);
		expect(await destroyedSoon(stream)).toBe(true);
	});

	it('refuses a Content-Length past the cap before reading anything', async () => {
		const stream = bodyOf(101);
		const error = await readAnswerText(stream, {
			...limits(100),
			headers: { 'Content-Length': '101' },
		}).catch((thrown: unknown) => thrown);
		expect((error as AnswerTooLargeError).declaredBytes).toBe(101);
		expect(stream.readableDidRead).toBe(false);
		expect(stream.destroyed).toBe(true);
	});

	it('holds text and bytes already in memory to the cap too', async () => {
		await expect(readAnswerText('€€€', limits(9))).resolves.toBe('€€€');
		await expect(readAnswerText('€€€', limits(8))).rejects.toBeInstanceOf(AnswerTooLargeError);
		await expect(readAnswerText(Buffer.from('{}'), limits(2))).resolves.toBe('{}');
		await expect(readAnswerText(undefined, limits(2))).resolves.toBe('');
	});

	it("stops a read that waits for bytes when the request's signal aborts, as a cancelled request", async () => {
		const stream = stalledStream('{"id":');
		const controller = new AbortController();
		const read = readAnswerText(stream, { ...limits(100), signal: controller.signal });
		controller.abort();
		const error = (await read.catch((thrown: unknown) => thrown)) as Error & { code?: string };
		expect([error.name, error.code]).toEqual(['AbortError', 'ERR_CANCELED']);
		expect(stream.destroyed).toBe(true);
	});

	it('fails a read whose bytes stop coming for idleMs with ETIMEDOUT', async () => {
		const error = (await readAnswerText(stalledStream('{"id":'), {
			maxBytes: 100,
			idleMs: 50,
		}).catch((thrown: unknown) => thrown)) as Error & { code?: string };
		expect([error.name, error.code]).toEqual(['AnswerIdleError', 'ETIMEDOUT']);
	});
});

describe('readAnswer', () => {
	it('parses JSON, keeps text that is not JSON, and takes a body a helper parsed already', async () => {
		await expect(readAnswer(streamOf('{"a":[1,2]}'), limits(100), 'json')).resolves.toEqual({
			a: [1, 2],
		});
		await expect(readAnswer(streamOf('{"a":[1,'), limits(100), 'json')).resolves.toBe('{"a":[1,');
		await expect(readAnswer(streamOf('1,2\n'), limits(100), 'text')).resolves.toBe('1,2\n');
		const parsed = { a: 1 };
		await expect(readAnswer(parsed, limits(1), 'json')).resolves.toBe(parsed);
	});
});

describe('an error answer read only in part', () => {
	it('keeps the first maxBytes, and says the body went on', async () => {
		const dropped: Error[] = [];
		const prefix = await readAnswerPrefix(
			streamOf('{"error":"x",', '"message":"abc', 'def"}'),
			limits(20, (reason) => dropped.push(reason)),
		);
		expect(prefix).toEqual({ text: '{"error":"x","messag', complete: false });
		expect(dropped).toHaveLength(1);
	});

	it('its error and message texts are read where the part holds them, escapes and all', () => {
		const cut = (text: string) => parseErrorAnswer({ text, complete: false }, 'json');
		expect(
			cut('{"error":"invalid_request","message":"the \\"filter\\" is \\u00e9crit wrong '),
		).toEqual({
			error: 'invalid_request',
			message: 'the "filter" is écrit wrong ',
		});
		// Cut inside an escape: the half escape goes.
		expect(cut('{"message":"caf\\u00')).toEqual({ message: 'caf' });
		expect(cut('{"error_description":"no\\')).toEqual({ error_description: 'no' });
		// Neither: the text as far as it goes.
		expect(cut('<html><body>Bad Gateway')).toBe('<html><body>Bad Gateway');
		// Whole: parsed as it is; text answers stay text.
		expect(parseErrorAnswer({ text: '{"error":"e"}', complete: true }, 'json')).toEqual({
			error: 'e',
		});
		expect(parseErrorAnswer({ text: '{"error":"e"}', complete: true }, 'text')).toBe(
			'{"error":"e"}',
		);
	});
});
