/**
 * dist/work.js: the code that runs only once the user acts or a job finishes (the generate flow, request
 * validation, reading input images, the downloader, sidecars). esbuild.js builds it as a bundle of its own and
 * points the composition bundle's `import()` of this module, and of src/core/jobs/jobWork.ts, at it; activation
 * neither loads nor compiles it (bench/activation). It is loaded through its own code cache (src/extension.ts).
 */
export * from './core/jobs/jobWork';
export { readImageAsDataUrl } from './host/readImage';
export { runGenerate } from './host/generateFlow';
