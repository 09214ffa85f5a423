import type { INodeProperties } from 'n8n-workflow';
import { AUDIT_AND_WEBHOOK_OPTIONS } from '../shared/audit';

import {
	DETECTION_METHODS,
	DETECTORS,
	SENSITIVITY_THRESHOLDS,
	type DetectionMethod,
} from './core/analyzeSeries';
import { DEFAULT_CHART_DAYS } from './core/chart/seriesChartInput';
import { DEFAULT_REPORT_DAYS } from './core/report';

const WEEKDAY_OPTIONS = [
	'Monday',
	'Tuesday',
	'Wednesday',
	'Thursday',
	'Friday',
	'Saturday',
	'Sunday',
].map((name, index) => ({ name, value: String(index + 1) }));

/** How the Method parameter names and explains each detection method. */
const METHOD_LABELS = {
	seasonalRobust: {
		name: 'Seasonal Robust (Recommended)',
		description:
			'Compares each bucket with the same time of day on recent weekdays or weekend days and the same weekday of recent weeks; median and MAD',
	},
	rollingRobust: {
		name: 'Rolling Robust',
		description:
			'Compares each bucket with the median and MAD of the preceding buckets; no seasonality',
	},
	legacyZScore: {
		name: 'Legacy Z-Score (Not Recommended)',
		description:
			"The original tutorial's rule: |z| > 2 against the previous 3 points. Flags a large share of normal points.",
	},
} satisfies Record<DetectionMethod, { name: string; description: string }>;

export const properties: INodeProperties[] = [
	{
		displayName: 'Output Mode',
		name: 'outputMode',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Annotate Every Item',
				value: 'annotate',
				description:
					'One item per input item and metric, with expected value, deviation, score, isAnomaly, anomalyType and trend',
			},
			{
				name: 'Only Anomalies',
				value: 'anomalies',
				description: 'One item per anomaly, with a sentence describing it',
			},
			{
				name: 'Summary per Series',
				value: 'summary',
				description:
					'One item per series (group × metric) with its trend, anomalies and a message for Slack or email',
			},
			{
				name: 'Report for Slack and Email',
				value: 'report',
				description:
					'One item for the whole run: a headline, the alerts with their severity, Slack Block Kit blocks, an HTML email body and every series summary (with Attach Charts: the charts of the series that alerted)',
			},
		],
		default: 'annotate',
		description:
			'What the first output carries. The second output ("Anomalies") always carries one item per anomaly.',
	},
	{
		displayName: 'Method',
		name: 'method',
		type: 'options',
		noDataExpression: true,
		options: DETECTION_METHODS.map((value) => ({
			name: METHOD_LABELS[value].name,
			value,
			description: METHOD_LABELS[value].description,
		})),
		default: 'seasonalRobust',
	},
	{
		displayName: 'Sensitivity',
		name: 'sensitivity',
		type: 'options',
		options: [
			{
				name: 'Low',
				value: 'low',
				description: `Only large deviations (score ≥ ${SENSITIVITY_THRESHOLDS.low})`,
			},
			{
				name: 'Medium',
				value: 'medium',
				description: `Score ≥ ${SENSITIVITY_THRESHOLDS.medium} robust standard deviations`,
			},
			{
				name: 'High',
				value: 'high',
				description: `Smaller deviations too (score ≥ ${SENSITIVITY_THRESHOLDS.high}); more alerts`,
			},
		],
		default: 'medium',
		displayOptions: {
			hide: { method: DETECTION_METHODS.filter((method) => !DETECTORS[method].usesThreshold) },
		},
	},
	{
		displayName: 'Timestamp Field',
		name: 'timestampField',
		type: 'string',
		default: 'bucketStart',
		required: true,
		description:
			'Field holding the start of each time bucket (ISO-8601 text or epoch milliseconds)',
	},
	{
		displayName: 'Time Zone',
		name: 'timeZone',
		type: 'string',
		default: '',
		placeholder: 'Europe/London',
		description:
			"IANA time zone of the contact centre, for time-of-day and weekday slots and the times in messages. Empty: the workflow's time zone. Set by an expression that reads the item (each site's zone field, for several sites merged), it is read for each item: each series follows its own items' zone, and the items of one group must share one.",
	},
	{
		displayName: 'Goals',
		name: 'goals',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Goal',
		default: {},
		description:
			'Goals per metric (service level at least 80, abandon % at most 5 …), judged beside the anomaly test: a goal missed for a number of buckets in a row raises one alert, which recovers once it is met as long',
		options: [
			{
				displayName: 'Goal',
				name: 'goal',
				values: [
					{
						displayName: 'Critical Beyond',
						name: 'criticalValue',
						type: 'string',
						default: '',
						placeholder: '60',
						description:
							'A value at or beyond this (below it for At Least, above for At Most) makes the alert critical. Empty:	only the length does.',
					},
					{
						displayName: 'For Buckets',
						name: 'forBuckets',
						type: 'number',
						default: 1,
						description:
							'Buckets in a row that must miss the goal before it alerts, and meet it before it recovers. Missed twice as long:	critical.',
					},
					{
						displayName: 'Goal',
						name: 'value',
						type: 'number',
						default: 0,
						description: "The goal, in the metric's unit (80 for 80	%)",
					},
					{
						displayName: 'Metric Field',
						name: 'metric',
						type: 'string',
						default: '',
						placeholder: 'service_level_pct',
						description: 'The metric field the goal applies to',
					},
					{
						displayName: 'Must Be',
						name: 'direction',
						type: 'options',
						options: [
							{
								name: 'At Least',
								value: 'atLeast',
							},
							{
								name: 'At Most',
								value: 'atMost',
							},
						],
						default: 'atLeast',
					},
				],
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			...AUDIT_AND_WEBHOOK_OPTIONS,
			{
				displayName: 'Alert Once',
				name: 'alertOnce',
				type: 'boolean',
				default: true,
				description:
					"Whether an alert an earlier run raised is left out of the Anomalies output and the report (an ongoing goal episode alerts once, and once more when it recovers). The memory is the workflow's static data: production runs in regular mode keep it; manual runs and queue-mode workers start without it.",
			},
			{
				displayName: 'Alert Only When Falling',
				name: 'alertFallingOnly',
				type: 'string',
				default: '',
				placeholder: 'service_level_pct',
				description:
					'Comma-separated metric fields that alert only when they fall below their expected value, for metrics where a rise is good news (service level). The others alert both ways.',
			},
			{
				displayName: 'Alert Only When Rising',
				name: 'alertRisingOnly',
				type: 'string',
				default: '',
				placeholder: 'abandoned_pct, handle_time_avg',
				description:
					'Comma-separated metric fields that alert only when they rise above their expected value, for metrics where a fall is good news (abandon rate, handle time). The others alert both ways.',
			},
			{
				displayName: 'Alert When Level Shift Confirmed',
				name: 'alertOnLevelShift',
				type: 'boolean',
				default: false,
				description:
					'Whether an episode that persists for an hour raises a second alert of type LEVEL_SHIFT (otherwise each episode alerts once)',
			},
			{
				displayName: 'Alert Window (Minutes)',
				name: 'alertWindowMinutes',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description:
					"Raise only the alerts whose bucket ended in this many minutes before the run (and say a goal's recovery confirmed in them), remembering nothing; it takes the place of Alert Once. Set it to how often the workflow runs (15 for every 15 minutes) and each alert is raised once, by the first run after its bucket is over — in queue mode and manual runs too, where Alert Once's memory is not kept. 0: off.",
			},
			{
				displayName: 'Attach Charts',
				name: 'attachCharts',
				type: 'boolean',
				default: false,
				description:
					'Whether each summary item and each anomaly item gets a PNG chart of its series in the binary property "chart" (value, expected band, alerts), and a report the charts of the series that alerted (chart_1, chart_2 …), ready for a Slack upload or an email attachment. Drawn inside n8n: no data leaves the workflow.',
			},
			{
				displayName: 'Bucket Minutes',
				name: 'bucketMinutes',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description:
					'Spacing of the buckets in minutes (15, 30, 60, 1440 for a day …). 0: detect it from the data (the most common gap between timestamps).',
			},
			{
				displayName: 'Business Hours',
				name: 'businessHours',
				type: 'string',
				default: '',
				placeholder: 'Mon-Fri 08:00-18:00; Sat 09:00-13:00',
				description:
					"Hours in each series' time zone (above) outside which nothing alerts: an anomaly that starts outside them alerts when they open if it is still going on, and a goal counts only within them. Empty: all hours.",
			},
			{
				displayName: 'Chart Days',
				name: 'chartDays',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_CHART_DAYS,
				description:
					'Days of each series shown in its chart (the last ones), with Attach Charts on',
			},
			{
				displayName: 'Contact Count Field',
				name: 'countField',
				type: 'string',
				default: 'count_sum',
				placeholder: 'count_sum',
				description:
					'Field with the contacts behind each item. Rates (*_pct) and averages (*_avg) are then judged by their sampling noise: 1 abandon in 3 contacts is no alarm, 60 in 200 is. Empty: the contacts of a rate are read from its digits (33.3333 % is 1 of 3), an average is judged without.',
			},
			{
				displayName: 'Data Complete Until',
				name: 'dataUntil',
				type: 'dateTime',
				default: '',
				description:
					"For a query that ends now (Today, Include Today, an intraday check): the time up to which the items are complete, e.g. {{ $now }}. A series' buckets after its last item, up to this time (and never past the run), then mean what a missing bucket means — no contacts for a volume — so a centre silent since 08:00 is an outage, not the end of its data (the query returns no row for a bucket without contacts). Empty: the data ends with the last item (right for a range that ended before the run, and for Aggregate Completed Contacts, whose last half hour is still filling).",
			},
			{
				displayName: 'Group By Fields',
				name: 'groupBy',
				type: 'string',
				default: '',
				placeholder: 'groupId, channel',
				description:
					"Comma-separated fields; one series per combination of their values. Leave empty for one series per metric. Without this option: the query node's dimension fields present in the items.",
			},
			{
				displayName: 'History Days',
				name: 'historyDays',
				type: 'number',
				typeOptions: { minValue: 3, maxValue: 28 },
				default: 7,
				description:
					'Seasonal method: earlier weekdays (or weekend days) whose same time of day forms the expectation',
			},
			{
				displayName: 'Judge Unfinished Buckets',
				name: 'judgeUnfinishedBuckets',
				type: 'boolean',
				default: false,
				description:
					'Whether a bucket that is not over when the node runs (the current quarter hour of a query that ends now, such as Today or Month to Date) is judged. Off: it holds only part of its contacts, so it is left out until it is over, and a volume is not called a drop for being half counted.',
			},
			{
				displayName: 'Metric Fields',
				name: 'metrics',
				type: 'string',
				default: '',
				placeholder: 'count_sum, handle_time_avg',
				description:
					'Comma-separated numeric fields to analyse. Empty: every numeric field except the timestamp and group-by fields.',
			},
			{
				displayName: 'Missing Buckets Mean',
				name: 'missingBuckets',
				type: 'options',
				options: [
					{
						name: 'Auto',
						value: 'auto',
						description:
							'Zero for counts and sums (*_sum, count_*), no value for averages, rates, minima and maxima',
					},
					{
						name: 'Zero',
						value: 'zero',
						description: 'A bucket without an item is 0 (a drop to nothing is an anomaly)',
					},
					{
						name: 'No Value',
						value: 'noValue',
						description: 'A bucket without an item is skipped',
					},
				],
				default: 'auto',
			},
			{
				displayName: 'Moving Average Buckets',
				name: 'movingAverageBuckets',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 4,
				description: 'Buckets in the trailing moving average',
			},
			{
				displayName: 'Report Days',
				name: 'reportDays',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_REPORT_DAYS,
				description:
					'In Report for Slack and Email: the last days whose alerts the report lists (1 for a daily run; older alerts were reported on their day and stay in each series summary)',
			},
			{
				displayName: 'Rolling Window Buckets',
				name: 'rollingWindowBuckets',
				type: 'number',
				typeOptions: { minValue: 3, maxValue: 1000 },
				default: 48,
				description: 'Rolling method: preceding buckets the expectation is taken from',
			},
			{
				displayName: 'Score Threshold',
				name: 'threshold',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 2 },
				default: 0,
				description:
					'Robust standard deviations from the expectation at which a bucket is an anomaly. 0: use Sensitivity.',
			},
			{
				displayName: 'Trend Dead Band (%)',
				name: 'trendDeadBandPercent',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 2 },
				default: 5,
				description: 'A change over the window smaller than this (in percent) is a flat trend',
			},
			{
				displayName: 'Weekend Days',
				name: 'weekendDays',
				type: 'multiOptions',
				options: WEEKDAY_OPTIONS,
				default: ['6', '7'],
				description: 'Days compared with each other rather than with working days',
			},
		],
	},
];
