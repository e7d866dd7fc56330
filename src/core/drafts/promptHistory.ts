/**
 * The prompts submitted from the Generate Video flow, newest first, each once, at most `PROMPT_HISTORY_LIMIT`.
 * Kept in the editor's global state, so every workspace offers the same history.
 */

export const PROMPT_HISTORY_LIMIT = 50;

/** The stored history, or an empty one when the value is not a list of prompts (non-strings are dropped). */
export function readPromptHistory(value: unknown, limit = PROMPT_HISTORY_LIMIT): string[] {
  if (!Array.isArray(value)) return [];
  const prompts = value.filter((v): v is string => typeof v === 'string');
  return dedupe(prompts).slice(0, limit);
}

/** The history with `prompt` first (moved up when already there), trimmed to `limit`. Blank prompts are not kept. */
export function addToPromptHistory(history: readonly string[], prompt: string, limit = PROMPT_HISTORY_LIMIT): string[] {
  const text = prompt.trim();
  if (text === '') return history.slice(0, limit);
  return dedupe([text, ...history]).slice(0, limit);
}

/** The prompts without repeats (compared without surrounding white space), first one kept. */
function dedupe(prompts: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const p of prompts) {
    const key = p.trim();
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    out.push(key);
  }
  return out;
}
