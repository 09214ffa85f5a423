/**
 * The catalogue and limits, imported from the compiled node package so the simulator and the node can
 * never disagree (STYLE.md: one source of truth). `cli.mjs` checks that the build exists before this
 * module is loaded.
 */
export {
	METRICS,
	DIMENSIONS,
	BUCKET_SIZES,
	LIMITS,
	FILTER_PREDICATES,
	FILTER_COMPOUNDS,
	PLATFORM_LIMITS,
	maxRangeHoursFor,
} from '../dist/nodes/shared/core/catalogue.js';
