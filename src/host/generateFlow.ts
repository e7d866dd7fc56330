/** The Generate Video flow's entry points; the steps live in `host/generate/`. */
export { parseGenerateArgs, type GenerateArgs } from './generate/generateArgs';
export { runGenerate } from './generate/runGenerate';
