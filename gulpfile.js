// Copies what tsc does not: node and credential icons (SVG) and codex files (*.node.json).
const { src, dest, task } = require('gulp');

task('build:icons', () =>
	src(['nodes/**/*.{svg,png}', 'nodes/**/*.node.json', 'credentials/**/*.{svg,png}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist')),
);
