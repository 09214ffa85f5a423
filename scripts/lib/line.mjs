// `--n8n 1` / `--n8n=1` on a script's command line → N8N_LINE, which scripts/lib/paths.mjs reads when it
// is first imported: a script calls selectLine() before it imports anything that imports paths.mjs.
// No import of paths.mjs here.

/** Sets N8N_LINE from `--n8n <line>` or `--n8n=<line>` in `argv`; leaves it as it is without one. */
export function selectLine(argv) {
	const index = argv.findIndex((arg) => arg === '--n8n' || arg.startsWith('--n8n='));
	if (index === -1) return;
	const value = argv[index].includes('=') ? argv[index].split('=')[1] : argv[index + 1];
	if (!value) throw new Error('--n8n needs a line: 1 or 2');
	process.env.N8N_LINE = value;
}
