// Test-only: asks the gateway through the official openai client — chat completions and the Responses API,
// each plainly and streaming — and prints what it got as one JSON line for the Java test to check.
//   node chat.mjs <baseURL> <jwt> <model> <question>
import OpenAI from 'openai';

const [baseURL, apiKey, model, question] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });

const models = await client.models.list();
const completion = await client.chat.completions.create({
  model,
  messages: [{ role: 'user', content: question }],
});
let streamed = '';
let usage = null;
const stream = await client.chat.completions.create({
  model,
  messages: [{ role: 'user', content: question }],
  stream: true,
  stream_options: { include_usage: true },
});
for await (const chunk of stream) {
  streamed += chunk.choices[0]?.delta?.content ?? '';
  if (chunk.usage) usage = chunk.usage;
}
const response = await client.responses.create({ model, input: question });
let responseStreamed = '';
let responseCompleted = null;
const events = [];
const responseStream = await client.responses.create({ model, input: [{ role: 'user', content: question }], stream: true });
for await (const event of responseStream) {
  events.push(event.type);
  if (event.type === 'response.output_text.delta') responseStreamed += event.delta;
  if (event.type === 'response.completed') responseCompleted = event.response;
}
let error = null;
try {
  await client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: question }] });
} catch (e) {
  error = { status: e.status, code: e.code, type: e.type };
}
console.log(JSON.stringify({
  models: models.data.map((m) => m.id),
  answer: completion.choices[0].message.content,
  usage: completion.usage,
  streamed,
  streamUsage: usage,
  responseText: response.output_text,
  responseUsage: response.usage,
  responseStreamed,
  responseEvents: events,
  responseCompletedText: responseCompleted?.output?.[0]?.content?.[0]?.text ?? null,
  responseCompletedUsage: responseCompleted?.usage ?? null,
  error,
}));
