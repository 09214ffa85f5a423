/**
 * The pure rules behind issue 14, with known answers: what is redacted from server text, how a URL is
 * printed and checked, which hosts are NICE's, how file names and Retry-After are read.
 */
import { safeFileName } from '../../../nodes/NiceCxoneAnalytics/core/platform/fileName';
import { retryAfterMs } from '../../../nodes/NiceCxoneAnalytics/transport/retry';
import { pathSegment } from '../../../nodes/NiceCxoneAnalytics/transport/errors';
import {
	checkEndpointUrl,
	displayUrl,
	isPlatformHost,
} from '../../../nodes/shared/transport/endpoints';
import {
	MAX_SERVER_TEXT_CHARS,
	redact,
	serverText,
} from '../../../nodes/shared/transport/serverText';

describe('server text', () => {
	it.each([
		['Authorization: Basic Y2xpZW50OnNlY3JldA==', 'Authorization: Basic [redacted]'],
		['got Bearer abc.def.ghi here', 'got Bearer [redacted] here'],
		['client_secret=hunter2&scope=x', 'client_secret=[redacted]&scope=x'],
		['{"access_token":"tok123","ok":1}', '{"access_token":"[redacted]","ok":1}'],
		['password:hunter2 accessKeySecret=abc', 'password:[redacted] accessKeySecret=[redacted]'],
		['jwt eyJhbGciOi.eyJzdWIiOiJ4In0.sig_part', 'jwt [redacted]'],
		['key 0123456789abcdef0123456789abcdef01', 'key [redacted]'],
	])('%j → %j', (text, expected) => {
		expect(redact(text)).toBe(expected);
	});

	it.each([
		'invalid_token: The access token expired',
		'Resource not found: /inContactAPI/services/v30.0/report-jobs/9999',
		"The access key's role lacks the permission Reporting > Completed Contacts",
	])('leaves plain explanations alone: %j', (text) => {
		expect(redact(text)).toBe(text);
	});

	it("redacts the credential's own secrets wherever they appear", () => {
		expect(redact('you sent s3cr3t-value in a field called x', ['s3cr3t-value'])).toBe(
			'you sent [redacted] in a field called x',
		);
	});

	it('flattens control characters and clips long text', () => {
		expect(serverText('line one\r\n\tline\u0000two')).toBe('line one line two');
		const long = serverText('word '.repeat(1000));
		expect(long.length).toBe(MAX_SERVER_TEXT_CHARS + 1);
		expect(long.endsWith('…')).toBe(true);
		expect(serverText({ message: 'x' })).toBe('');
	});
});

describe('URLs', () => {
	it.each([
		[
			'https://user:pass@login.example.test/oauth/token?key=k#frag',
			'https://login.example.test/oauth/token',
		],
		['http://127.0.0.1:8080/', 'http://127.0.0.1:8080'],
		['not a url', '(not a URL)'],
		[undefined, '(not a URL)'],
	])('%j is printed as %j', (url, shown) => {
		expect(displayUrl(url)).toBe(shown);
	});

	it.each([
		['https://login.example.test/oauth/token', undefined],
		['http://localhost:5678/token', undefined],
		['http://127.0.0.1:1/token', undefined],
		['http://[::1]:1/token', undefined],
		[
			'http://login.example.test/oauth/token',
			'Token URL (http://login.example.test/oauth/token) must use https; only this machine (localhost, 127.0.0.1) may use http. Fix it in X.',
		],
		[
			'ftp://login.example.test/x',
			'Token URL (ftp://login.example.test/x) must use https; only this machine (localhost, 127.0.0.1) may use http. Fix it in X.',
		],
		[
			'https://a:b@login.example.test/',
			'Token URL contains a user name or password (https://login.example.test). Remove them in X: secrets go in their own fields.',
		],
		['', 'Token URL is empty. Enter it in X.'],
		[
			'login.example.test/oauth/token',
			'Token URL is not a URL. Enter it in X as https://host/path.',
		],
	])('checkEndpointUrl(%j)', (url, message) => {
		const check = () => checkEndpointUrl(url, 'Token URL', 'X');
		if (message === undefined) expect(check).not.toThrow();
		else expect(check).toThrow(message);
	});

	it.each([
		['api-na1.niceincontact.com', true],
		['cxone-gov.niceincontact.com', true],
		['api-c32.nice-incontact.com', true],
		['niceincontact.com', true],
		['niceincontact.com.evil.example', false],
		['evilniceincontact.com', false],
		['api.example.com', false],
	])('%s is a NICE platform host: %s', (host, expected) => {
		expect(isPlatformHost(host)).toBe(expected);
	});
});

describe('ids and file names from the server', () => {
	it.each([
		['q1', 'q1'],
		[42, '42'],
		['a/b', 'a%2Fb'],
		['../x', '..%2Fx'],
	])('id %j is the path segment %j', (id, segment) => {
		expect(pathSegment(id, 'query id')).toBe(segment);
	});

	it.each(['.', '..', '', null, 'x'.repeat(201), 1.5])('id %j is refused', (id) => {
		expect(() => pathSegment(id, 'query id')).toThrow(/cannot be used in a URL/);
	});

	it.each([
		['report.csv', 'report.csv'],
		['../../etc/passwd', 'passwd'],
		['C:\\temp\\r.csv', 'r.csv'],
		['..hidden.csv', 'hidden.csv'],
		['a<b>:c|d?.csv', 'a_b__c_d_.csv'],
		['../', 'fallback.csv'],
		[42, 'fallback.csv'],
	])('file name %j becomes %j', (name, safe) => {
		expect(safeFileName(name, 'fallback.csv')).toBe(safe);
	});

	it('a long file name keeps its extension', () => {
		const safe = safeFileName(`${'n'.repeat(300)}.csv`, 'x');
		expect(safe.length).toBe(120);
		expect(safe.endsWith('.csv')).toBe(true);
	});
});

describe('Retry-After', () => {
	const NOW = Date.parse('2024-06-01T00:00:00Z');
	it.each([
		['0', 0],
		['7', 7000],
		['-1', undefined],
		['1.5', undefined],
		['1e3', undefined],
		['Sat, 01 Jun 2024 00:00:07 GMT', 7000],
	])('%j → %p ms (the floor is applied where the wait is made)', (header, ms) => {
		expect(retryAfterMs(header, NOW)).toBe(ms);
	});
});
