// Optional (off by default): an OpenAI-compatible chat-completions endpoint that only rephrases
// a free-text question into one line of the grammar. Its output is parsed like anything a person
// types; every fact in the answer still comes from Vigil's data. Request: POST {url}/chat/completions
// {model, messages: [{role, content}], temperature: 0}; response: {choices: [{message: {content}}]}
// (the documented chat-completions shape). Failures fall back to the grammar's own suggestions.
import type { Fetch } from '../receivers/delivery.js';
import { COMMANDS } from './grammar.js';

export interface LlmOptions {
  url: string;
  apiKey?: string;
  model: string;
  timeoutMs: number;
  fetch?: Fetch;
}

const LLM_SYSTEM_PROMPT =
  'Rewrite the user question as exactly one command of this grammar, on one line, nothing else. ' +
  'If none fits, answer "help".\n' + COMMANDS.map((c) => `${c.usage}    (${c.summary})`).join('\n');

/** The rephrased command line, or undefined when the endpoint fails or answers nothing usable. */
export async function rephrase(question: string, opts: LlmOptions): Promise<string | undefined> {
  const doFetch = opts.fetch ?? fetch;
  try {
    const res = await doFetch(`${opts.url.replace(/\/$/, '')}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}) },
      body: JSON.stringify({ model: opts.model, temperature: 0, max_tokens: 40, messages: [{ role: 'system', content: LLM_SYSTEM_PROMPT }, { role: 'user', content: question.slice(0, 1000) }] }),
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { choices?: Array<{ message?: { content?: unknown } }> };
    const content = body.choices?.[0]?.message?.content;
    if (typeof content !== 'string') return undefined;
    const line = content.trim().split('\n')[0].replace(/^`+|`+$/g, '').trim();
    return line.length > 0 && line.length <= 200 ? line : undefined;
  } catch {
    return undefined;
  }
}
