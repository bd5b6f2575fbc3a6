// The Vercel AI SDK against Frugal, unchanged: openai(model) speaks the Responses API,
// openai.chat(model) chat completions. Run by dev.frugal.api.VercelAiSdkTest, which starts the
// gateway and asserts on the JSON summary printed here. Models are those of frugal-test.yaml.
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, streamText, stepCountIs, tool } from 'ai';
import { z } from 'zod';

const baseURL = process.env.FRUGAL_URL;
const apiKey = process.env.FRUGAL_KEY;
if (!baseURL || !apiKey) {
  console.error('FRUGAL_URL and FRUGAL_KEY must be set');
  process.exit(2);
}
const openai = createOpenAI({ baseURL, apiKey });

/** The streamed text, failing on an error event instead of logging it. */
async function streamed(model) {
  let error;
  const result = streamText({ model, prompt: 'Hello there', maxRetries: 0, onError: ({ error: e }) => { error = e; } });
  let text = '';
  for await (const delta of result.textStream) text += delta;
  if (error) throw error;
  return { text, finishReason: await result.finishReason };
}

async function generated(model) {
  const r = await generateText({ model, prompt: 'Hello there', maxRetries: 0 });
  return { text: r.text, finishReason: r.finishReason, outputTokens: r.usage.outputTokens };
}

/**
 * A tool call round trip: the model calls get_weather, the SDK runs it and sends the result back.
 * providerOptions are passed to the provider as they are. Over the Responses API the SDK's default
 * (store: true) sends the stored call back as an item_reference, which the gateway finds in the team's
 * stored responses; with store: false it resends the function_call item itself (docs/responses.md).
 */
async function toolRoundTrip(model, providerOptions) {
  const executed = [];
  const r = await generateText({
    model,
    prompt: 'What is the weather in Paris?',
    maxRetries: 0,
    tools: {
      get_weather: tool({
        description: 'Weather of a city',
        inputSchema: z.object({ city: z.string() }),
        execute: async ({ city }) => { executed.push(city); return { city, temperature: 18, sky: 'sunny' }; },
      }),
    },
    stopWhen: stepCountIs(3),
    providerOptions,
  });
  return {
    steps: r.steps.length,
    toolCalls: r.steps.flatMap(s => s.toolCalls.map(c => c.toolName)),
    executed: executed.length,
    text: r.text,
    finishReason: r.finishReason,
  };
}

const summary = {
  responses: {
    generate: await generated(openai('msg-chat-basic')),
    stream: await streamed(openai('msg-stream-basic')),
    tools: await toolRoundTrip(openai('sim-chat')),
    toolsStateless: await toolRoundTrip(openai('sim-chat'), { openai: { store: false } }),
  },
  chat: {
    generate: await generated(openai.chat('msg-chat-basic')),
    stream: await streamed(openai.chat('msg-stream-basic')),
    tools: await toolRoundTrip(openai.chat('sim-chat')),
  },
};
console.log(JSON.stringify(summary));
