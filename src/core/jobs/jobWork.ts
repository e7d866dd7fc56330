/**
 * What the job code needs only once a job is submitted or done (request validation, the downloader, sidecars),
 * or for a stored record the fast check refuses (the store's zod schema). JobService and JobStore load it with
 * `import('./jobWork')` on first use. The extension bundles it into dist/work.js
 * (through src/work.ts) and esbuild.js points that import there, so activation does not compile this code.
 */
export { downloadOutput, keepAsPartial, recheckSavedFile } from '../download/downloader';
export { buildSidecar, writeSidecar } from '../download/sidecar';
export { validateRequest } from '../models/validateRequest';
export { jobRecordSchema } from './recordSchema';
