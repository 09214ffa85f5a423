import { createHmac } from 'crypto';

import type { ChainHead } from '../../../../nodes/shared/core/auditChain';
import {
	headOf,
	parseChainHead,
	sealRecord,
	verifyAuditChain,
} from '../../../../nodes/shared/core/auditChain';
import { canonicalJson, sha256Hex } from '../../../../nodes/shared/core/canonical';

const KEY = 'k'.repeat(40);

function chainOf(n: number, chainId = 'wf/node', key?: string, from?: ChainHead) {
	const records: Array<ReturnType<typeof sealRecord<{ n: number; text: string }>>> = [];
	let head = from;
	for (let i = 0; i < n; i++) {
		const record = sealRecord({ n: i, text: `run ${i}` }, chainId, head, key);
		records.push(record);
		head = headOf(record);
	}
	return records;
}

const kinds = (records: object[], options?: Parameters<typeof verifyAuditChain>[1]) =>
	verifyAuditChain(records, options).findings.map(({ kind, index, seq }) => ({ kind, index, seq }));

describe('sealing', () => {
	it('numbers records from 1, links each to the one before, and hashes all but the seal and the webhook outcome', () => {
		const [first, second] = chainOf(2);
		expect(first).toMatchObject({ chainId: 'wf/node', seq: 1, previousHash: null });
		expect(first.hash).toBe(
			sha256Hex(
				canonicalJson({ n: 0, text: 'run 0', chainId: 'wf/node', seq: 1, previousHash: null }),
			),
		);
		expect(second).toMatchObject({ seq: 2, previousHash: first.hash });
		expect(verifyAuditChain([{ ...first, webhook: { delivered: false } }, second])).toEqual({
			ok: true,
			records: 2,
			chains: 1,
			findings: [],
		});
	});

	it('signs with the key: an HMAC-SHA256 of the same JSON', () => {
		const [record] = chainOf(1, 'c', KEY);
		const { hash, hmac, ...sealed } = record;
		expect(hmac).toBe(createHmac('sha256', KEY).update(canonicalJson(sealed)).digest('hex'));
		expect(hash).toBe(sha256Hex(canonicalJson(sealed)));
	});
});

describe('verifying', () => {
	it('finds an edited record', () => {
		const records = chainOf(4);
		records[2] = { ...records[2], text: 'run 2, edited' };
		expect(verifyAuditChain(records).findings).toEqual([
			{
				kind: 'edited',
				chainId: 'wf/node',
				index: 2,
				seq: 3,
				message: 'Record 2 does not match its hash: it was edited.',
			},
		]);
	});

	it('finds a deleted record as a gap, and records in another order still verify', () => {
		const records = chainOf(5);
		expect(kinds([records[0], records[1], records[3], records[4]])).toEqual([
			{ kind: 'gap', index: 2, seq: 4 },
		]);
		expect(verifyAuditChain([records[3], records[0], records[4], records[2], records[1]]).ok).toBe(
			true,
		);
	});

	it('finds a fork: two runs that continued from the same record', () => {
		const [first] = chainOf(1);
		const a = sealRecord({ n: 1, text: 'run a' }, 'wf/node', headOf(first));
		const b = sealRecord({ n: 1, text: 'run b' }, 'wf/node', headOf(first));
		const after = sealRecord({ n: 2, text: 'run c' }, 'wf/node', headOf(b));
		expect(kinds([first, a, b, after])).toEqual([{ kind: 'fork', index: 2, seq: 2 }]);
		// Both branches go on: the fork is reported once, where it began, not again at each seq after it.
		const afterA = sealRecord({ n: 2, text: 'run d' }, 'wf/node', headOf(a));
		expect(verifyAuditChain([first, a, b, after, afterA]).findings).toEqual([
			{
				kind: 'fork',
				chainId: 'wf/node',
				index: 2,
				seq: 2,
				message:
					'Records 1 and 2 both claim seq 2 of chain wf/node: two runs continued from the same record.',
			},
		]);
	});

	it('finds a restart, not a fork: runs without Audit Chain Head each start the chain at seq 1', () => {
		// A queue-mode worker or a manual run has no head: its records start again at seq 1 and go on from there.
		const first = chainOf(2);
		const restarted = sealRecord({ n: 0, text: 'another run' }, 'wf/node', undefined);
		const again = [
			restarted,
			sealRecord({ n: 1, text: 'another run' }, 'wf/node', headOf(restarted)),
		];
		const third = sealRecord({ n: 0, text: 'a third run' }, 'wf/node', undefined);
		expect(verifyAuditChain([...first, ...again, third]).findings).toEqual(
			[2, 4].map((index) => ({
				kind: 'restart',
				chainId: 'wf/node',
				index,
				seq: 1,
				message: `Record ${index} starts chain wf/node again at seq 1, as record ${index - 2} did: a run without Audit Chain Head (a queue-mode worker, a manual run) started the chain again. Set Options › Audit Chain Head to the last stored record to continue the chain.`,
			})),
		);
		// Two runs from one head are still a fork, whatever restarts there were.
		const fork = sealRecord({ n: 1, text: 'run b' }, 'wf/node', headOf(first[0]));
		expect(kinds([...first, ...again, fork])).toEqual([
			{ kind: 'restart', index: 2, seq: 1 },
			{ kind: 'fork', index: 4, seq: 2 },
		]);
	});

	it('finds a record replaced by one sealed again (a full re-seal of the middle breaks the link after it)', () => {
		const records = chainOf(3);
		records[1] = sealRecord({ n: 1, text: 'forged' }, 'wf/node', headOf(records[0]));
		expect(kinds(records)).toEqual([{ kind: 'broken-link', index: 2, seq: 3 }]);
	});

	it('finds the start cut off, unless the records start where an earlier archive ended', () => {
		const records = chainOf(5);
		expect(kinds(records.slice(2))).toEqual([{ kind: 'truncated-start', index: 0, seq: 3 }]);
		expect(kinds(records.slice(2), { starts: [headOf(records[1])] })).toEqual([]);
	});

	it('finds the end cut off against the head known from elsewhere (the store or the webhook receiver)', () => {
		const records = chainOf(5);
		const head = headOf(records[4]);
		expect(kinds(records, { heads: [head] })).toEqual([]);
		const report = verifyAuditChain(records.slice(0, 3), { heads: [head] });
		expect(report.findings).toEqual([
			{
				kind: 'truncated-end',
				chainId: 'wf/node',
				message: `Chain wf/node should reach seq 5 (hash ${head.hash.slice(0, 12)}…) but ends at seq 3: its last records were cut or replaced.`,
			},
		]);
	});

	it('with the key, finds a chain re-sealed without it, however consistent', () => {
		const signed = chainOf(3, 'c', KEY);
		expect(kinds(signed, { key: KEY })).toEqual([]);
		const resealed = chainOf(3, 'c');
		expect(kinds(resealed)).toEqual([]);
		expect(kinds(resealed, { key: KEY })).toEqual(
			[0, 1, 2].map((index) => ({ kind: 'forged', index, seq: index + 1 })),
		);
		expect(
			kinds(chainOf(3, 'c', 'another key'.repeat(4)), { key: KEY }).map(({ kind }) => kind),
		).toEqual(['forged', 'forged', 'forged']);
	});

	it('keeps chains apart by chainId, and reports each finding once', () => {
		const a = chainOf(2, 'a');
		const b = chainOf(3, 'b');
		const report = verifyAuditChain([...a, b[0], b[2]]);
		expect(report).toMatchObject({ ok: false, records: 4, chains: 2 });
		expect(report.findings.map(({ kind, chainId }) => [kind, chainId])).toEqual([['gap', 'b']]);
	});

	it('checks records from before chain ids in the order given (edits and broken links)', () => {
		const legacy = [{ n: 0, previousHash: null }];
		const sealed = (record: object) => ({ ...record, hash: sha256Hex(canonicalJson(record)) });
		const first = sealed(legacy[0]);
		const second = sealed({ n: 1, previousHash: first.hash });
		expect(verifyAuditChain([first, second]).ok).toBe(true);
		expect(kinds([second, first])).toEqual([{ kind: 'broken-link', index: 1, seq: undefined }]);
	});
});

describe('the chain head a user gives', () => {
	it('reads the last record or its chainId, seq and hash, as an object or JSON text', () => {
		const [record] = chainOf(1);
		expect(parseChainHead(record)).toEqual(headOf(record));
		expect(parseChainHead(JSON.stringify(headOf(record)))).toEqual(headOf(record));
		expect(parseChainHead('')).toBeUndefined();
		expect(parseChainHead(undefined)).toBeUndefined();
	});

	it.each([
		['{not json'],
		[{ chainId: 'c', seq: 0, hash: 'a'.repeat(64) }],
		[{ chainId: 'c', seq: 1, hash: 'xyz' }],
		[{ seq: 1, hash: 'a'.repeat(64) }],
	])('refuses %j with what it needs', (value) => {
		expect(parseChainHead(value)).toHaveProperty('problem');
	});
});
