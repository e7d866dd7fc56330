/**
 * What request validation reports, and how it reads as one message. Apart from validateRequest.ts (loaded on
 * first use, with the rest of dist/work.js) because JobService words its RequestValidationError with it.
 */
export type ProblemField =
  | 'prompt'
  | 'duration'
  | 'resolution'
  | 'aspectRatio'
  | 'size'
  | 'frames'
  | 'seed'
  | 'generateAudio'
  | 'providerOptions'
  | 'body'
  | 'model'
  | 'callbackUrl';

export interface Problem {
  field: ProblemField;
  message: string;
}

/** All problems as one readable paragraph ('' when there are none). */
export function formatProblems(problems: readonly Problem[]): string {
  const sentences = problems.map((p) => {
    const text = p.message.trim();
    return /[.!?]$/.test(text) ? text : `${text}.`;
  });
  if (sentences.length <= 1) return sentences[0] ?? '';
  return `${sentences.length} problems: ${sentences.join(' ')}`;
}
