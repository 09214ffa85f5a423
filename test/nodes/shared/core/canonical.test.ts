import { SequenceHash, canonicalJson, sha256Hex } from '../../../../nodes/shared/core/canonical';

describe('SequenceHash', () => {
	const values = [{ b: 1, a: 'x' }, null, [3, { d: 'é', c: 2 }], '日本'];
	const expected = sha256Hex(canonicalJson(values));

	it('adds values one by one: the hash of their canonical JSON array', () => {
		const hash = new SequenceHash();
		for (const value of values) hash.add(value);
		expect(hash.digest()).toBe(expected);
	});

	it('adds canonical JSON already made, several values joined by commas, as text or UTF-8 bytes', () => {
		const hash = new SequenceHash();
		hash.addCanonicalJson(values.slice(0, 2).map(canonicalJson).join(','));
		hash.addCanonicalJson('');
		hash.add(values[2]);
		hash.addCanonicalJson(Buffer.from(canonicalJson(values[3]), 'utf8'));
		expect(hash.digest()).toBe(expected);
	});

	it('nothing added: the hash of an empty array', () => {
		const hash = new SequenceHash();
		hash.addCanonicalJson(new Uint8Array(0));
		expect(hash.digest()).toBe(sha256Hex('[]'));
	});
});
