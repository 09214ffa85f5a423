import type { TimeWindow } from './buckets';
import { toIsoUtc } from './buckets';
import type { Aggregation, BucketSize, MetricRef } from '../../shared/core/catalogue';
import {
	BUCKET_SIZES,
	DIMENSIONS,
	LIMITS,
	findDimension,
	findMetric,
} from '../../shared/core/catalogue';
import { isValidTimeZone } from '../../shared/core/time';
import { QueryValidationError } from './validationError';

/** The request body of `POST /api/v2/analytics/query` (docs/api/analytics-v2.md §2). */
export interface QueryBody {
	metrics: MetricRef[];
	dimensions: Array<{ name: string }>;
	filter?: Filter;
	timeSeries: { bucketSize: BucketSize; start: string; end: string; timeZone: string };
}

export type Filter =
	| { type: 'equals' | 'notEquals'; field: string; value: string }
	| { type: 'in'; field: string; values: string[] }
	| { type: 'and' | 'or'; filters: Filter[] };

/** What the node's parameters say, before validation. */
export interface QuerySpec {
	/** `name:aggregation` strings, e.g. `handle_time:avg`. */
	metrics: unknown[];
	dimensions: unknown[];
	filter?: unknown;
	bucketSize: unknown;
	window: TimeWindow;
	timeZone: string;
}

export interface SimpleCondition {
	field: string;
	operator: string;
	/** One value, or for `in` a comma-separated list. */
	value: string;
}

const fail = (field: string, message: string): never => {
	throw new QueryValidationError(field, message);
};

const DIMENSION_NAMES = DIMENSIONS.map((d) => d.name).join(', ');

/**
 * Checks a query against every rule of docs/api/analytics-v2.md §2 and returns the body to send. Throws a
 * QueryValidationError naming the field and the fix; nothing may be sent when it throws.
 */
export function buildQueryBody(spec: QuerySpec): QueryBody {
	const metrics = validateMetrics(spec.metrics);
	const dimensions = validateDimensions(spec.dimensions);
	const bucketSize = validateBucketSize(spec.bucketSize);
	if (!isValidTimeZone(spec.timeZone)) {
		fail(
			'Time Zone',
			`Time Zone '${spec.timeZone}' is not an IANA time zone. Use a name such as Europe/Berlin, America/New_York or UTC.`,
		);
	}
	const { startMs, endMs } = spec.window;
	if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || endMs <= startMs) {
		fail(
			'Time Range',
			'The time range is empty: its end is not after its start. Choose a later end.',
		);
	}
	const body: QueryBody = {
		metrics,
		dimensions: dimensions.map((name) => ({ name })),
		timeSeries: {
			bucketSize,
			start: toIsoUtc(startMs),
			end: toIsoUtc(endMs),
			timeZone: spec.timeZone,
		},
	};
	if (spec.filter !== undefined) body.filter = validateFilter(spec.filter, 'Filter', 1);
	return body;
}

function validateMetrics(values: unknown[]): MetricRef[] {
	if (values.length < LIMITS.minMetrics) {
		fail('Metrics', 'No metric is selected. Add at least one metric, for example Contacts (Sum).');
	}
	if (values.length > LIMITS.maxMetrics) {
		fail(
			'Metrics',
			`${values.length} metrics are selected; the API allows ${LIMITS.maxMetrics}. Remove some or split them over two nodes.`,
		);
	}
	const seen = new Set<string>();
	return values.map((value, index) => {
		const field = `Metrics › Metric ${index + 1}`;
		const [name, aggregation, extra] = typeof value === 'string' ? value.split(':') : [];
		if (!name || !aggregation || extra !== undefined) {
			fail(
				field,
				`${field} is '${String(value)}'; write it as metric:aggregation, for example handle_time:avg.`,
			);
		}
		const metric = findMetric(name);
		if (!metric) {
			// Names are lower case with underscores: 'Duration' or 'Handle Time' means something known.
			const near = findMetric(
				name
					.trim()
					.toLowerCase()
					.replace(/[\s-]+/g, '_'),
			);
			fail(
				field,
				near
					? `${field}: '${name}' is not a CXone metric; did you mean '${near.name}'? Metric names are lower case, e.g. ${near.name}:${near.aggregations[0]}.`
					: `${field}: '${name}' is not a CXone metric. Choose one from the list, e.g. count, handle_time, abandoned.`,
			);
		}
		if (!metric!.aggregations.includes(aggregation as Aggregation)) {
			const near = metric!.aggregations.find((known) => known === aggregation.trim().toLowerCase());
			fail(
				field,
				near
					? `${field}: aggregation '${aggregation}' is not known; did you mean '${near}'? Write it as ${name}:${near}.`
					: `${field}: '${name}' cannot be aggregated with '${aggregation}'. Use ${metric!.aggregations.join(', ')}.`,
			);
		}
		if (seen.has(value as string)) {
			fail(field, `${field}: '${String(value)}' is selected twice. Remove the repeat.`);
		}
		seen.add(value as string);
		return { name, aggregation: aggregation as Aggregation };
	});
}

function validateDimensions(values: unknown[]): string[] {
	if (values.length > LIMITS.maxDimensions) {
		fail(
			'Dimensions',
			`${values.length} dimensions are selected; the API allows ${LIMITS.maxDimensions}. Remove some, or filter instead of grouping.`,
		);
	}
	const seen = new Set<string>();
	return values.map((value) => {
		if (typeof value !== 'string' || !findDimension(value)) {
			const near =
				typeof value === 'string' ? findDimension(value.trim().toLowerCase()) : undefined;
			fail(
				'Dimensions',
				near
					? `Dimension '${String(value)}' is unknown; did you mean '${near.name}'? Use ${DIMENSION_NAMES}.`
					: `Dimension '${String(value)}' is unknown. Use ${DIMENSION_NAMES}.`,
			);
		}
		if (seen.has(value as string))
			fail('Dimensions', `Dimension '${String(value)}' is selected twice. Remove the repeat.`);
		seen.add(value as string);
		return value as string;
	});
}

function validateBucketSize(value: unknown): BucketSize {
	const bucket = BUCKET_SIZES.find((b) => b.value === value);
	if (!bucket) {
		fail(
			'Bucket Size',
			`Bucket Size '${String(value)}' is unknown. Use ${BUCKET_SIZES.map((b) => b.value).join(', ')}.`,
		);
	}
	return bucket!.value;
}

function validateFilter(filter: unknown, path: string, depth: number): Filter {
	if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
		return fail(
			path,
			`${path} must be an object such as {"type":"equals","field":"channel","value":"voice"}.`,
		);
	}
	const f = filter as Record<string, unknown>;
	switch (f.type) {
		case 'equals':
		case 'notEquals':
			return {
				type: f.type,
				field: validateFilterField(f.field, path),
				value: validateFilterValue(f.value, `${path}.value`),
			};
		case 'in': {
			const values = f.values;
			if (
				!Array.isArray(values) ||
				values.length < LIMITS.minFilterValues ||
				values.length > LIMITS.maxFilterValues
			) {
				fail(
					`${path}.values`,
					`${path}.values must be a list of ${LIMITS.minFilterValues} to ${LIMITS.maxFilterValues} values; it has ${Array.isArray(values) ? values.length : 'none'}.`,
				);
			}
			return {
				type: 'in',
				field: validateFilterField(f.field, path),
				values: (values as unknown[]).map((v, i) => validateFilterValue(v, `${path}.values[${i}]`)),
			};
		}
		case 'and':
		case 'or': {
			if (depth > LIMITS.maxFilterDepth) {
				fail(
					path,
					`${path} nests and/or ${depth} levels deep; the API allows ${LIMITS.maxFilterDepth}. Flatten the filter.`,
				);
			}
			const members = f.filters;
			if (
				!Array.isArray(members) ||
				members.length < LIMITS.minFilterMembers ||
				members.length > LIMITS.maxFilterMembers
			) {
				fail(
					`${path}.filters`,
					`${path}.filters must hold ${LIMITS.minFilterMembers} to ${LIMITS.maxFilterMembers} filters; it has ${Array.isArray(members) ? members.length : 'none'}.`,
				);
			}
			return {
				type: f.type,
				filters: (members as unknown[]).map((m, i) =>
					validateFilter(m, `${path}.filters[${i}]`, depth + 1),
				),
			};
		}
		default:
			return fail(
				`${path}.type`,
				`${path}.type '${String(f.type)}' is unknown. Use equals, notEquals, in, and or or.`,
			);
	}
}

function validateFilterField(field: unknown, path: string): string {
	if (typeof field !== 'string' || !findDimension(field)) {
		fail(
			`${path}.field`,
			`${path}.field '${String(field)}' is not a dimension. Use ${DIMENSION_NAMES}.`,
		);
	}
	return field as string;
}

function validateFilterValue(value: unknown, path: string): string {
	if (typeof value !== 'string' || value.trim() === '') {
		fail(
			path,
			`${path} must be a non-empty text value, for example "grp_001"; it is ${JSON.stringify(value) ?? 'missing'}.`,
		);
	}
	return value as string;
}

/** Builds the contract filter from the node's simple rows: one predicate, or an and/or of them. */
export function filterFromConditions(conditions: SimpleCondition[], combinator: string): unknown {
	if (conditions.length === 0) return undefined;
	const predicates = conditions.map((c) => {
		if (c.operator === 'in') {
			const values = String(c.value ?? '')
				.split(',')
				.map((v) => v.trim())
				.filter((v) => v !== '');
			return { type: 'in', field: c.field, values };
		}
		return { type: c.operator, field: c.field, value: c.value };
	});
	return predicates.length === 1 ? predicates[0] : { type: combinator, filters: predicates };
}
