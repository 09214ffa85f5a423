import { timeZoneKey } from '../../../../nodes/shared/core/time';

describe('timeZoneKey', () => {
	it('is one key for the spellings of one zone, and another for another zone', () => {
		const utc = ['UTC', 'Etc/UTC', 'utc', 'Etc/GMT', 'GMT', 'Zulu', 'Etc/Universal'].map(
			timeZoneKey,
		);
		expect(new Set(utc)).toEqual(new Set(['utc']));
		expect(timeZoneKey('america/chicago')).toBe(timeZoneKey('America/Chicago'));
		expect(timeZoneKey('America/Chicago')).toBe('america/chicago');
		expect(timeZoneKey('Europe/London')).not.toBe('utc');
	});
});
