import { canonicalJson, sha256Hex } from './canonical';

/** Fields every audit record carries for its place in the chain. */
export interface Chained {
	/** Hash of the previous record of the same node in the same workflow; null for the first. */
	previousHash: string | null;
	/** SHA-256 of the canonical JSON of the record without this field. */
	hash: string;
}

/** Seals a record: links it to `previousHash` and adds its own hash. */
export function sealRecord<T extends object>(record: T, previousHash: string | null): T & Chained {
	const linked = { ...record, previousHash };
	return { ...linked, hash: sha256Hex(canonicalJson(linked)) };
}

export type ChainVerdict =
	| { ok: true; records: number }
	| { ok: false; index: number; reason: 'edited' | 'broken-link'; message: string };

/**
 * Checks a chain of audit records in order: each record's hash must match its content, and its
 * previousHash must be the hash of the record before it. Reports the first broken link: an edited
 * record fails its own hash; a deleted or reordered one breaks the link of the record after it.
 */
export function verifyAuditChain(records: ReadonlyArray<Partial<Chained> & object>): ChainVerdict {
	for (let index = 0; index < records.length; index++) {
		const { hash, ...rest } = records[index];
		if (typeof hash !== 'string' || sha256Hex(canonicalJson(rest)) !== hash) {
			return { ok: false, index, reason: 'edited', message: `Record ${index} does not match its hash: it was edited.` };
		}
		if (index > 0 && rest.previousHash !== records[index - 1].hash) {
			return {
				ok: false,
				index,
				reason: 'broken-link',
				message: `Record ${index} does not follow record ${index - 1}: a record was deleted, inserted or moved.`,
			};
		}
	}
	return { ok: true, records: records.length };
}
