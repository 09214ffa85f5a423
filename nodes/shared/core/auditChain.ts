import { createHmac } from 'crypto';

import { canonicalJson, sha256Hex } from './canonical';

/** Where a record sits in its chain, and its seal. */
export interface Chained {
	/** The chain the record belongs to: one per node of a workflow unless the user names another. */
	chainId: string;
	/** Place in the chain: 1 for its first record, then one more per record. */
	seq: number;
	/** Hash of the record before it in the chain; null for the first. */
	previousHash: string | null;
	/** SHA-256 of the canonical JSON of the record without `hash`, `hmac` and `webhook`. */
	hash: string;
	/** HMAC-SHA256 of the same JSON with the signing key, when the records are signed. */
	hmac?: string;
}

/** The last record of a chain as far as the sealer (or the verifier) knows. */
export interface ChainHead {
	chainId: string;
	seq: number;
	hash: string;
}

/**
 * Fields outside the seal: the seal itself, and the webhook's outcome, which is known only after the
 * hash went out in the webhook.
 */
const UNSEALED = new Set(['hash', 'hmac', 'webhook']);

function sealedJson(record: object): string {
	return canonicalJson(
		Object.fromEntries(Object.entries(record).filter(([field]) => !UNSEALED.has(field))),
	);
}

const hmacHex = (key: string, text: string) =>
	createHmac('sha256', key).update(text, 'utf8').digest('hex');

/**
 * Seals a record into its chain: after `head` (seq + 1, linked to its hash), or as the chain's first
 * record without one; signed with `key` when given.
 */
export function sealRecord<T extends object>(
	record: T,
	chainId: string,
	head: ChainHead | undefined,
	key?: string,
): T & Chained {
	const linked = {
		...record,
		chainId,
		seq: head ? head.seq + 1 : 1,
		previousHash: head ? head.hash : null,
	};
	const text = sealedJson(linked);
	return {
		...linked,
		hash: sha256Hex(text),
		...(key === undefined ? {} : { hmac: hmacHex(key, text) }),
	};
}

/** The head a sealed record leaves its chain at. */
export function headOf(record: Chained): ChainHead {
	return { chainId: record.chainId, seq: record.seq, hash: record.hash };
}

/**
 * The chain head a user gave (the last stored record, or its `chainId`, `seq` and `hash`, as an object or
 * JSON text); undefined when empty; a problem text when it is not one.
 */
export function parseChainHead(value: unknown): ChainHead | undefined | { problem: string } {
	if (value === undefined || value === null || value === '') return undefined;
	let head: unknown = value;
	if (typeof value === 'string') {
		try {
			head = JSON.parse(value) as unknown;
		} catch {
			return { problem: 'is not JSON' };
		}
	}
	const { chainId, seq, hash } = (head ?? {}) as Partial<ChainHead>;
	if (
		typeof chainId !== 'string' ||
		chainId === '' ||
		typeof seq !== 'number' ||
		!Number.isSafeInteger(seq) ||
		seq < 1 ||
		typeof hash !== 'string' ||
		!/^[0-9a-f]{64}$/.test(hash)
	) {
		return {
			problem:
				'needs chainId (text), seq (a whole number from 1) and hash (64 hex digits), as the last audit record has them',
		};
	}
	return { chainId, seq, hash };
}

export type ChainFindingKind =
	/** The record does not match its hash. */
	| 'edited'
	/** The record's HMAC is missing or wrong for the key: re-sealed (or written) without the key. */
	| 'forged'
	/** Two records with one seq link to the same record: two runs continued from the same head. */
	| 'fork'
	/** Another record with seq 1 and no previous hash: a run without a head started the chain again. */
	| 'restart'
	/** Records are missing between two records (their seq jumps). */
	| 'gap'
	/** A record follows the one before it by seq but does not link to it: replaced or inserted. */
	| 'broken-link'
	/** The chain does not start at its first record (seq 1), nor at the start anchor given. */
	| 'truncated-start'
	/** The chain ends before the head given (records at its end were cut), or at another record. */
	| 'truncated-end';

export interface ChainFinding {
	kind: ChainFindingKind;
	chainId: string;
	/** Index in the records passed in; undefined for a missing end. */
	index?: number;
	seq?: number;
	message: string;
}

export interface ChainReport {
	ok: boolean;
	records: number;
	chains: number;
	findings: ChainFinding[];
}

export interface VerifyOptions {
	/** The signing key: every record must then carry a matching HMAC. */
	key?: string;
	/** The latest head of each chain known from elsewhere (a store, a webhook receiver): a shorter chain is truncated. */
	heads?: readonly ChainHead[];
	/** Where each chain's records start when they do not start at seq 1 (an earlier archive's head). */
	starts?: readonly ChainHead[];
}

/**
 * Checks audit records (in any order; chains by `chainId`, ordered by `seq`) and reports every finding,
 * each for what it is: an edited record, a forged seal (with `key`), a fork, a restart, a gap, a broken
 * link, a truncated start or end. Records from before chain ids and sequence numbers existed are checked as one
 * chain in the order given (edited records and broken links).
 */
export function verifyAuditChain(
	records: readonly object[],
	options: VerifyOptions = {},
): ChainReport {
	const findings: ChainFinding[] = [];
	const chains = new Map<string, Array<{ index: number; record: Partial<Chained> }>>();
	(records as ReadonlyArray<Partial<Chained>>).forEach((record, index) => {
		const chainId = typeof record.chainId === 'string' ? record.chainId : '';
		const chain = chains.get(chainId) ?? [];
		chain.push({ index, record });
		chains.set(chainId, chain);
	});
	for (const [chainId, chain] of chains) {
		const find = (
			kind: ChainFindingKind,
			at: { index: number; record: Partial<Chained> } | undefined,
			message: string,
		) =>
			findings.push({
				kind,
				chainId,
				...(at ? { index: at.index, seq: at.record.seq } : {}),
				message,
			});
		const legacy = chainId === '';
		for (const at of chain) {
			const { hash, hmac } = at.record;
			const text = legacy
				? canonicalJson(
						Object.fromEntries(Object.entries(at.record).filter(([field]) => field !== 'hash')),
					)
				: sealedJson(at.record);
			if (typeof hash !== 'string' || sha256Hex(text) !== hash)
				find('edited', at, `Record ${at.index} does not match its hash: it was edited.`);
			else if (options.key !== undefined && !legacy && hmac !== hmacHex(options.key, text)) {
				find(
					'forged',
					at,
					`Record ${at.index} is not signed with the key: it was sealed by someone without it.`,
				);
			}
		}
		if (legacy) {
			for (let i = 1; i < chain.length; i++) {
				if (chain[i].record.previousHash !== chain[i - 1].record.hash) {
					find(
						'broken-link',
						chain[i],
						`Record ${chain[i].index} does not follow record ${chain[i - 1].index}: a record was deleted, inserted or moved.`,
					);
				}
			}
			continue;
		}
		const ordered = [...chain].sort((a, b) => Number(a.record.seq) - Number(b.record.seq));
		const first = ordered[0];
		const start = options.starts?.find((head) => head.chainId === chainId);
		if (
			first.record.seq !== 1 &&
			!(start && first.record.seq === start.seq + 1 && first.record.previousHash === start.hash)
		) {
			find(
				'truncated-start',
				first,
				`Chain ${chainId} starts at record ${first.index} (seq ${first.record.seq}): the records before it are missing.`,
			);
		}
		// Each seq's hashes, and the last record so far of each (seq, previous hash): one pass, not one a record.
		const hashesOfSeq = new Map<number, Set<unknown>>();
		for (const { record } of ordered) {
			const hashes = hashesOfSeq.get(Number(record.seq)) ?? new Set<unknown>();
			hashes.add(record.hash);
			hashesOfSeq.set(Number(record.seq), hashes);
		}
		const placeOf = (at: (typeof ordered)[number]) =>
			`${Number(at.record.seq)} ${String(at.record.previousHash)}`;
		const lastAtPlace = new Map([[placeOf(first), first]]);
		for (let i = 1; i < ordered.length; i++) {
			const before = ordered[i - 1];
			const at = ordered[i];
			const seq = Number(at.record.seq);
			const beforeSeq = Number(before.record.seq);
			const twin = seq === beforeSeq ? lastAtPlace.get(placeOf(at)) : undefined;
			lastAtPlace.set(placeOf(at), at);
			if (seq > beforeSeq + 1) {
				find(
					'gap',
					at,
					`Chain ${chainId} has no records with seq ${beforeSeq + 1} to ${seq - 1} (before record ${at.index}): they were deleted or never stored.`,
				);
				continue;
			}
			if (seq === beforeSeq && seq === 1 && at.record.previousHash === null) {
				find(
					'restart',
					at,
					`Record ${at.index} starts chain ${chainId} again at seq 1, as record ${before.index} did: a run without Audit Chain Head (a queue-mode worker, a manual run) started the chain again. Set Options › Audit Chain Head to the last stored record to continue the chain.`,
				);
				continue;
			}
			// A fork is two records continuing from one record; a record of the same seq on another branch (after
			// a restart or a fork, reported there) only has to link to a record of the seq before it.
			if (twin) {
				find(
					'fork',
					at,
					`Records ${twin.index} and ${at.index} both claim seq ${seq} of chain ${chainId}: two runs continued from the same record.`,
				);
				continue;
			}
			// The record before may be one branch of a fork: linking to any record of the previous seq is a link.
			if (!hashesOfSeq.get(seq - 1)?.has(at.record.previousHash)) {
				find(
					'broken-link',
					at,
					`Record ${at.index} (seq ${seq}) does not link to the record with seq ${seq - 1}: a record was replaced or inserted.`,
				);
			}
		}
		const head = options.heads?.find((known) => known.chainId === chainId);
		const last = ordered[ordered.length - 1];
		if (head && !ordered.some((at) => at.record.seq === head.seq && at.record.hash === head.hash)) {
			find(
				'truncated-end',
				undefined,
				`Chain ${chainId} should reach seq ${head.seq} (hash ${head.hash.slice(0, 12)}…) but ends at seq ${last.record.seq}: its last records were cut or replaced.`,
			);
		}
	}
	return { ok: findings.length === 0, records: records.length, chains: chains.size, findings };
}
