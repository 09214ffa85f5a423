import { SortedRings } from '../../../../../nodes/NiceCxoneTrends/core/detectors/sortedRings';
import { WeekdaySpread } from '../../../../../nodes/NiceCxoneTrends/core/detectors/weekdaySpread';

const WEEKDAY = 0;
const WEEKEND = 1;
const SLOTS = 2;
/** Rings of two slots: groups 0 and 1 (unused here), then the seven ISO weekdays from group 2. */
const FIRST_WEEKDAY_GROUP = 2;
/** Saturday and Sunday are the weekend. */
const KIND_OF_WEEKDAY = Uint8Array.from([0, 0, 0, 0, 0, 0, 1, 1]);

function setUp() {
	const groups = FIRST_WEEKDAY_GROUP + 7;
	const rings = new SortedRings(groups * SLOTS, 4, new Int32Array(groups * SLOTS).fill(4));
	const spread = new WeekdaySpread(rings, SLOTS, FIRST_WEEKDAY_GROUP, KIND_OF_WEEKDAY, 2);
	const push = (isoWeekday: number, slot: number, ...values: number[]) => {
		for (const value of values) {
			rings.push((FIRST_WEEKDAY_GROUP + isoWeekday - 1) * SLOTS + slot, value);
			spread.touch(slot);
		}
	};
	const pooled = (kind: number, slot: number) => {
		const at = spread.at(kind, slot);
		return [spread.madSum[at], spread.count[at]];
	};
	return { rings, spread, push, pooled };
}

describe('WeekdaySpread', () => {
	it('sums the MADs of the kind’s weekday rings that hold two values or more, at one slot', () => {
		const { push, pooled } = setUp();
		push(1, 0, 100, 110, 120); // Monday: MAD 10
		push(2, 0, 50, 54); // Tuesday: MAD 2
		push(3, 0, 80); // Wednesday: one value, left out
		push(6, 0, 10, 16); // Saturday: the weekend's
		push(1, 1, 0, 1000); // Monday at the other slot
		expect(pooled(WEEKDAY, 0)).toEqual([12, 2]);
		expect(pooled(WEEKEND, 0)).toEqual([3, 1]);
		expect(pooled(WEEKDAY, 1)).toEqual([500, 1]);
	});

	it('brings a slot up to date after one of its rings took a value, and every slot after a rescaling', () => {
		const { rings, spread, push, pooled } = setUp();
		push(1, 0, 100, 110, 120);
		push(1, 1, 10, 20);
		expect(pooled(WEEKDAY, 0)).toEqual([10, 1]);
		expect(pooled(WEEKDAY, 1)).toEqual([5, 1]);
		push(2, 0, 0, 40); // Tuesday: MAD 20
		expect(pooled(WEEKDAY, 0)).toEqual([30, 2]);
		rings.scaleAll(2);
		spread.touchAll();
		expect(pooled(WEEKDAY, 0)).toEqual([60, 2]);
		expect(pooled(WEEKDAY, 1)).toEqual([10, 1]);
	});
});
