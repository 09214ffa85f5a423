import {
	DeviationRun,
	ScoreCalibration,
} from '../../../../../nodes/NiceCxoneTrends/core/detectors/scoreCalibration';

const OPTIONS = { quantile: 0.99, minScores: 100, warmUpFactor: 2 };

/** A calibration that has seen 100 quiet scores of 1, and a run over it (stay level 2.25, threshold 4.5). */
function quietRun() {
	const calibration = new ScoreCalibration(OPTIONS);
	const sustained = new ScoreCalibration(OPTIONS);
	const run = new DeviationRun(calibration, sustained, 2.25, 4.5, 2, 24);
	for (let i = 0; i < 100; i++) run.observe(i, 1, 1, 1, true);
	return { calibration, run };
}

describe('DeviationRun', () => {
	it('takes an incident back from the calibration, the hours that led up to it included', () => {
		const { calibration, run } = quietRun();
		expect(calibration.factor()).toBe(1);
		// A holiday: 3, then 6, 9, 9 (raw; the factor held at 1 from before the run).
		[3, 6, 9].forEach((score, k) => run.observe(100 + k, score, score, run.factor(true), true));
		// Its first two alerting buckets taught the calibration, as a spike's would.
		expect(calibration.factor()).toBeGreaterThan(2);
		run.observe(103, 9, 9, run.factor(true), true);
		// The third made it an incident: all of its scores are taken back.
		expect(calibration.factor()).toBe(1);
	});

	it('takes nothing back that the caller took back already', () => {
		const { calibration, run } = quietRun();
		[3, 6, 9].forEach((score, k) => run.observe(100 + k, score, score, run.factor(true), true));
		// A level shift confirmed here takes the last day's scores back (see RecentScores.takeBack) — here by
		// hand — and the run must not take them back a second time.
		for (const score of [3, 6, 9]) calibration.unobserve(score);
		run.forgetKept();
		run.observe(103, 9, 9, run.factor(true), true);
		for (let i = 0; i < 100; i++) calibration.unobserve(1);
		// Every score observed has been taken back exactly once: the calibration is empty again.
		expect(calibration.factor()).toBe(2);
	});

	it('keeps a spike of two buckets, and every score of a rate or an average', () => {
		const spike = quietRun();
		[6, 9].forEach((score, k) => spike.run.observe(100 + k, score, score, 1, true));
		spike.run.observe(102, 1, 1, 1, true);
		expect(spike.calibration.factor()).toBeGreaterThan(2);
		const rate = quietRun();
		[3, 6, 9, 9].forEach((score, k) => rate.run.observe(100 + k, score, score, 1, false));
		expect(rate.calibration.factor()).toBeGreaterThan(2);
	});
});
