/**
 * Validation of query bodies and paging parameters (docs/api/analytics-v2.md §2, §3). Every problem is reported, each
 * with the exact field path a client can point its user at (`metrics[3].aggregation`,
 * `filter.filters[0].values`, `timeSeries.start`).
 */
import { IANAZone } from 'luxon';
import {
	BUCKET_SIZES,
	DIMENSIONS,
	FILTER_COMPOUNDS,
	FILTER_PREDICATES,
	LIMITS,
	METRICS,
	maxRangeHoursFor,
} from './catalogue.mjs';

const HOUR_MS = 3_600_000;
const METRIC_BY_NAME = new Map(METRICS.map((metric) => [metric.name, metric]));
const DIMENSION_NAMES = new Set(DIMENSIONS.map((dimension) => dimension.name));
const BUCKET_SIZE_VALUES = BUCKET_SIZES.map((bucket) => bucket.value);

/** A date-time with seconds optional, fractions optional, and a mandatory `Z` or numeric offset. */
const ZONED_DATE_TIME =
	/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

function isPlainObject(value) {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value) {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	return typeof value === 'string' ? `"${value}"` : `${typeof value} ${JSON.stringify(value)}`;
}

function validateMetrics(metrics, problems) {
	if (!Array.isArray(metrics)) {
		problems.push({
			field: 'metrics',
			problem: 'is required: a list of 1 to 10 {name, aggregation} entries',
		});
		return;
	}
	if (metrics.length < LIMITS.minMetrics || metrics.length > LIMITS.maxMetrics) {
		problems.push({
			field: 'metrics',
			problem: `has ${metrics.length} entries; 1 to ${LIMITS.maxMetrics} are allowed`,
		});
	}
	metrics.forEach((metric, index) => {
		const path = `metrics[${index}]`;
		if (!isPlainObject(metric)) {
			problems.push({
				field: path,
				problem: `must be an object {name, aggregation}, got ${describe(metric)}`,
			});
			return;
		}
		const definition = METRIC_BY_NAME.get(metric.name);
		if (definition === undefined) {
			problems.push({
				field: `${path}.name`,
				problem: `unknown metric ${describe(metric.name)}; use one of ${[...METRIC_BY_NAME.keys()].join(', ')}`,
			});
			return;
		}
		if (!definition.aggregations.includes(metric.aggregation)) {
			problems.push({
				field: `${path}.aggregation`,
				problem: `${describe(metric.aggregation)} is not allowed for ${metric.name}; use one of ${definition.aggregations.join(', ')}`,
			});
		}
	});
}

function validateDimensions(dimensions, problems) {
	if (dimensions === undefined) return;
	if (!Array.isArray(dimensions)) {
		problems.push({ field: 'dimensions', problem: 'must be a list of {name} entries' });
		return;
	}
	if (dimensions.length > LIMITS.maxDimensions) {
		problems.push({
			field: 'dimensions',
			problem: `has ${dimensions.length} entries; at most ${LIMITS.maxDimensions} are allowed`,
		});
	}
	const seen = new Map();
	dimensions.forEach((dimension, index) => {
		const path = `dimensions[${index}]`;
		if (!isPlainObject(dimension)) {
			problems.push({
				field: path,
				problem: `must be an object {name}, got ${describe(dimension)}`,
			});
			return;
		}
		if (!DIMENSION_NAMES.has(dimension.name)) {
			problems.push({
				field: `${path}.name`,
				problem: `unknown dimension ${describe(dimension.name)}; use one of ${[...DIMENSION_NAMES].join(', ')}`,
			});
			return;
		}
		if (seen.has(dimension.name)) {
			problems.push({
				field: `${path}.name`,
				problem: `repeats dimensions[${seen.get(dimension.name)}] (${dimension.name})`,
			});
			return;
		}
		seen.set(dimension.name, index);
	});
}

function validateFilterField(filter, path, problems) {
	if (!DIMENSION_NAMES.has(filter.field)) {
		problems.push({
			field: `${path}.field`,
			problem: `must be a dimension name (${[...DIMENSION_NAMES].join(', ')}), got ${describe(filter.field)}`,
		});
	}
}

/** `level` counts the and/or compounds enclosing this node, so a top-level compound is level 1. */
function validateFilter(filter, path, level, problems) {
	if (!isPlainObject(filter)) {
		problems.push({ field: path, problem: `must be a filter object, got ${describe(filter)}` });
		return;
	}
	const { type } = filter;
	if (type === 'equals' || type === 'notEquals') {
		validateFilterField(filter, path, problems);
		if (typeof filter.value !== 'string')
			problems.push({
				field: `${path}.value`,
				problem: `must be a string, got ${describe(filter.value)}`,
			});
		return;
	}
	if (type === 'in') {
		validateFilterField(filter, path, problems);
		const { values } = filter;
		if (
			!Array.isArray(values) ||
			values.length < LIMITS.minFilterValues ||
			values.length > LIMITS.maxFilterValues
		) {
			const got = Array.isArray(values) ? `${values.length} values` : describe(values);
			problems.push({
				field: `${path}.values`,
				problem: `must be a list of ${LIMITS.minFilterValues} to ${LIMITS.maxFilterValues} strings, got ${got}`,
			});
			return;
		}
		values.forEach((value, index) => {
			if (typeof value !== 'string')
				problems.push({
					field: `${path}.values[${index}]`,
					problem: `must be a string, got ${describe(value)}`,
				});
		});
		return;
	}
	if (type === 'and' || type === 'or') {
		const depth = level + 1;
		if (depth > LIMITS.maxFilterDepth) {
			problems.push({
				field: path,
				problem: `nests and/or ${depth} levels deep; at most ${LIMITS.maxFilterDepth} levels are allowed`,
			});
			return;
		}
		const { filters } = filter;
		if (
			!Array.isArray(filters) ||
			filters.length < LIMITS.minFilterMembers ||
			filters.length > LIMITS.maxFilterMembers
		) {
			const got = Array.isArray(filters) ? `${filters.length} members` : describe(filters);
			problems.push({
				field: `${path}.filters`,
				problem: `must be a list of ${LIMITS.minFilterMembers} to ${LIMITS.maxFilterMembers} filters, got ${got}`,
			});
			return;
		}
		filters.forEach((member, index) =>
			validateFilter(member, `${path}.filters[${index}]`, depth, problems),
		);
		return;
	}
	problems.push({
		field: `${path}.type`,
		problem: `must be one of ${[...FILTER_PREDICATES, ...FILTER_COMPOUNDS].join(', ')}, got ${describe(type)}`,
	});
}

/** Parses a zoned ISO date-time to UTC ms, or returns a problem text. */
function parseZonedDateTime(value) {
	if (typeof value !== 'string')
		return { problem: `must be an ISO-8601 date-time string, got ${describe(value)}` };
	const match = ZONED_DATE_TIME.exec(value);
	if (match === null) {
		return {
			problem: `${describe(value)} is not an ISO-8601 date-time with Z or an offset (e.g. 2024-01-01T00:00:00Z)`,
		};
	}
	const [, year, month, day, hour, minute, second = '0'] = match;
	const dateOk =
		Number(month) >= 1 &&
		Number(month) <= 12 &&
		Number(day) >= 1 &&
		Number(day) <= new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
	const timeOk = Number(hour) <= 23 && Number(minute) <= 59 && Number(second) <= 59;
	const offset = match[7].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
	const instantMs = Date.parse(value.slice(0, value.length - match[7].length) + offset);
	if (!dateOk || !timeOk || Number.isNaN(instantMs))
		return { problem: `${describe(value)} is not a valid date-time` };
	return { instantMs };
}

function validateTimeSeries(timeSeries, checkRangeLength, problems) {
	if (!isPlainObject(timeSeries)) {
		problems.push({
			field: 'timeSeries',
			problem: 'is required: {bucketSize, start, end, timeZone?}',
		});
		return;
	}
	const { bucketSize, timeZone } = timeSeries;
	const bucketOk = BUCKET_SIZE_VALUES.includes(bucketSize);
	if (!bucketOk)
		problems.push({
			field: 'timeSeries.bucketSize',
			problem: `must be one of ${BUCKET_SIZE_VALUES.join(', ')}, got ${describe(bucketSize)}`,
		});
	const start = parseZonedDateTime(timeSeries.start);
	const end = parseZonedDateTime(timeSeries.end);
	if (start.problem) problems.push({ field: 'timeSeries.start', problem: start.problem });
	if (end.problem) problems.push({ field: 'timeSeries.end', problem: end.problem });
	if (timeZone !== undefined && (typeof timeZone !== 'string' || !IANAZone.isValidZone(timeZone))) {
		problems.push({
			field: 'timeSeries.timeZone',
			problem: `must be an IANA time zone name such as Europe/Berlin, got ${describe(timeZone)}`,
		});
	}
	if (start.problem || end.problem) return;
	if (end.instantMs <= start.instantMs) {
		problems.push({ field: 'timeSeries.end', problem: 'must be after timeSeries.start' });
		return;
	}
	if (!bucketOk || !checkRangeLength) return;
	const rangeHours = (end.instantMs - start.instantMs) / HOUR_MS;
	const maxHours = maxRangeHoursFor(bucketSize);
	if (rangeHours > maxHours) {
		problems.push({
			field: 'timeSeries.end',
			problem: `the range is ${rangeHours} hours; ${bucketSize} buckets allow at most ${maxHours} hours (${maxHours / 24} days). Split the range or shorten it.`,
		});
	}
}

/**
 * Validates a query body. Returns a list of `{field, problem}`; empty when the body is valid.
 * `checkRangeLength: false` skips the range-length limit (the ground-truth hook computes any length).
 */
export function validateQueryBody(body, { checkRangeLength = true } = {}) {
	if (!isPlainObject(body)) return [{ field: 'body', problem: 'must be a JSON object' }];
	const problems = [];
	validateMetrics(body.metrics, problems);
	validateDimensions(body.dimensions, problems);
	if (body.filter !== undefined) validateFilter(body.filter, 'filter', 0, problems);
	validateTimeSeries(body.timeSeries, checkRangeLength, problems);
	return problems;
}

const NON_NEGATIVE_INTEGER = /^\d+$/;

/**
 * Reads the page window of a GET from `?limit&offset` and `Range: items=O-E` (query parameters win; a
 * longer Range is cut to the page maximum). Returns `{offset, limit}` or `{problems}`.
 */
export function parsePageWindow(searchParams, rangeHeader) {
	const problems = [];
	let offset = 0;
	let limit = LIMITS.defaultPageSize;
	// Query parameters win; a Range header only matters for what they leave out.
	const rangeNeeded = !(searchParams.has('limit') && searchParams.has('offset'));
	if (rangeHeader !== undefined && rangeNeeded) {
		const match = /^\s*items\s*=\s*(\d+)\s*-\s*(\d+)\s*$/.exec(rangeHeader);
		if (match === null || Number(match[2]) < Number(match[1])) {
			problems.push({
				field: 'Range',
				problem: `must look like items=0-499 (first-last, inclusive), got "${rangeHeader}"`,
			});
		} else {
			offset = Number(match[1]);
			limit = Math.min(LIMITS.maxPageSize, Number(match[2]) - Number(match[1]) + 1);
		}
	}
	const limitText = searchParams.get('limit');
	if (limitText !== null) {
		const value = Number(limitText);
		if (
			!NON_NEGATIVE_INTEGER.test(limitText) ||
			value < LIMITS.minPageSize ||
			value > LIMITS.maxPageSize
		) {
			problems.push({
				field: 'limit',
				problem: `must be an integer from ${LIMITS.minPageSize} to ${LIMITS.maxPageSize}, got "${limitText}"`,
			});
		} else {
			limit = value;
		}
	}
	const offsetText = searchParams.get('offset');
	if (offsetText !== null) {
		if (!NON_NEGATIVE_INTEGER.test(offsetText) || !Number.isSafeInteger(Number(offsetText))) {
			problems.push({
				field: 'offset',
				problem: `must be an integer of 0 or more, got "${offsetText}"`,
			});
		} else {
			offset = Number(offsetText);
		}
	}
	return problems.length > 0 ? { problems } : { offset, limit };
}
