// Drives the server's OpenAI-compatible surface with OpenAI's official Node client library, as a program would, and
// prints what it saw as one JSON object. Usage: node openai-client.mjs <base url> <key> <revoked key> <key of a basic plan>
import OpenAI from 'openai';

const [baseURL, key, revokedKey, basicKey] = process.argv.slice(2);
const client = (apiKey) => new OpenAI({ apiKey, baseURL, maxRetries: 0, timeout: 30_000 });
const out = {};

async function refusal(fn) {
  try {
    await fn();
    return { refused: false };
  } catch (e) {
    return { refused: true, status: e.status, type: e.type ?? e.error?.type, code: e.code ?? e.error?.code,
      cls: e.constructor.name, retryAfter: e.headers?.get?.('retry-after') ?? null };
  }
}

const api = client(key);
out.models = (await api.models.list()).data.map((m) => m.id);

const whole = await api.chat.completions.create({
  model: 'anthropic.claude-3-5-haiku',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'hello' },
    { role: 'assistant', content: 'Hi! How can I help?' },
    { role: 'user', content: 'tell me about yourself' },
  ],
  max_tokens: 200,
  temperature: 0.2,
  user: 'script-42',
});
out.whole = { id: whole.id, object: whole.object, model: whole.model, content: whole.choices[0].message.content,
  role: whole.choices[0].message.role, finish: whole.choices[0].finish_reason, usage: whole.usage };

const stream = await api.chat.completions.create({
  messages: [{ role: 'user', content: 'tell me about yourself' }],
  stream: true,
  stream_options: { include_usage: true },
});
let text = '';
let finish = null;
let usage = null;
let chunks = 0;
for await (const chunk of stream) {
  chunks++;
  if (chunk.usage) usage = chunk.usage;
  for (const c of chunk.choices) {
    text += c.delta?.content ?? '';
    if (c.finish_reason) finish = c.finish_reason;
  }
}
out.streamed = { content: text, finish, usage, chunks };

// a program that stops reading mid-answer: the request is aborted
const controller = new AbortController();
const cut = await api.chat.completions.create({ messages: [{ role: 'user', content: 'tell me about yourself' }], stream: true },
  { signal: controller.signal });
let seen = '';
out.aborted = { name: 'none' };
try {
  for await (const chunk of cut) {
    seen += chunk.choices[0]?.delta?.content ?? '';
    if (seen.length > 0) controller.abort();
  }
  out.aborted = { name: 'none', seen };
} catch (e) {
  out.aborted = { name: e.constructor.name, seen };
}

out.revoked = await refusal(() => client(revokedKey).chat.completions.create({ messages: [{ role: 'user', content: 'x' }] }));
out.unknownKey = await refusal(() => client('ack_nobody_0000000000000000_' + '0'.repeat(64)).models.list());
out.modelOfAnotherPlan = await refusal(() => client(basicKey).chat.completions.create({ model: 'anthropic.claude-3-5-sonnet',
  messages: [{ role: 'user', content: 'x' }] }));
out.badRequest = await refusal(() => api.chat.completions.create({ messages: [] }));
// the basic plan's key has 2 messages a day in this test: the third is refused with a quota error
for (let i = 0; i < 2; i++) {
  await client(basicKey).chat.completions.create({ messages: [{ role: 'user', content: 'q' + i }] });
}
out.quota = await refusal(() => client(basicKey).chat.completions.create({ messages: [{ role: 'user', content: 'q3' }] }));
console.log(JSON.stringify(out));
