import { withoutExactSecrets } from '../../../../nodes/shared/transport/serverText';

describe('withoutExactSecrets', () => {
	const quoted = ['Opqa1b2c3d', '4e5f6g7h8i9j0'].join('');
	it('replaces a secret wherever it is, and the start of one that ends a text cut short', () => {
		expect(withoutExactSecrets(`rejected: ${quoted} (expired)`, [quoted])).toBe(
			'rejected: [redacted] (expired)',
		);
		// An error answer read for its first 64 KB may stop inside the token it quotes.
		expect(withoutExactSecrets(`rejected: ${quoted.slice(0, 15)}`, [quoted])).toBe(
			'rejected: [redacted]',
		);
	});
	it('leaves fewer than 8 of its first characters at the end, and starts elsewhere, as they are', () => {
		expect(withoutExactSecrets('rejected: Opqa1b2', [quoted])).toBe('rejected: Opqa1b2');
		expect(withoutExactSecrets(`${quoted.slice(0, 12)} rejected`, [quoted])).toBe(
			`${quoted.slice(0, 12)} rejected`,
		);
	});
});
