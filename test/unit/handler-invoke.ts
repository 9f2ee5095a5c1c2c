/**
 * Child-process entry for handler tests: `node --import tsx handler-invoke.ts '<event json>'`.
 * Imports the TypeScript handler only after the parent has set the environment, calls it once and
 * prints the result as one JSON line.
 */
const event = JSON.parse(process.argv[2] ?? '{}') as Record<string, unknown>;
const { handler } = await import('../../handlers/user-service/index.js');
const result = await handler(event);
process.stdout.write(`${JSON.stringify(result)}\n`);
