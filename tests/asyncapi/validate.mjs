// Parse an AsyncAPI document with the official parser; exit 1 on any error-severity diagnostic.
// Usage: node validate.mjs FILE   (warnings and hints are printed but do not fail the run)
import { readFile } from 'node:fs/promises';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';

const file = process.argv[2];
if (!file) {
  console.error('usage: node validate.mjs FILE');
  process.exit(2);
}

const parser = new Parser();
// parse() also resolves every $ref and validates the payload schemas, not only the document shape.
const { document, diagnostics } = await parser.parse(await readFile(file, 'utf8'), { source: file });
const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
const LEVELS = { [DiagnosticSeverity.Error]: 'error', [DiagnosticSeverity.Warning]: 'warning' };
for (const d of diagnostics) {
  const level = LEVELS[d.severity] ?? 'info';
  console.log(`${level} ${d.code} at /${(d.path ?? []).join('/')}: ${d.message}`);
}
if (errors.length > 0 || document === undefined) {
  console.error(`${file}: ${errors.length} error(s), not a valid AsyncAPI document`);
  process.exit(1);
}
console.log(`${file}: valid AsyncAPI ${document.version()}`);
