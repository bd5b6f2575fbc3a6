#!/usr/bin/env node
// Fake OpenAI-compatible streaming upstream for the Frugal benchmark (target a, streaming).
// Node built-ins only.
//
// POST /v1/chat/completions with "stream": true answers OpenAI SSE:
//   role chunk, SSE_CHUNKS content chunks, finish chunk, usage chunk
//   {"choices":[],"usage":{...}}, then "data: [DONE]" — each as "data: <json>\n\n",
//   written immediately (or SSE_CHUNK_DELAY_MS apart); for a model whose name starts with "paced",
//   SSE_PACED_DELAY_MS apart (10 ms: a model generating about 100 tokens a second).
// Without "stream": true it answers a plain chat.completion JSON (handy for debugging).
//
// Env: SSE_HOST (127.0.0.1), SSE_PORT (9102), SSE_CHUNKS (20), SSE_CHUNK_DELAY_MS (0), SSE_PACED_DELAY_MS (10).
'use strict';

const http = require('http');

const HOST = process.env.SSE_HOST || '127.0.0.1';
const PORT = intEnv('SSE_PORT', 9102);
const CHUNKS = intEnv('SSE_CHUNKS', 20);
const DELAY_MS = intEnv('SSE_CHUNK_DELAY_MS', 0);
const PACED_DELAY_MS = intEnv('SSE_PACED_DELAY_MS', 10);
const PROMPT_TOKENS = 9;

function intEnv(name, def) {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number.parseInt(v, 10);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${v}`);
  return n;
}

function chunk(id, created, model, choices, usage) {
  const o = { id, object: 'chat.completion.chunk', created, model, choices };
  if (usage) o.usage = usage;
  return 'data: ' + JSON.stringify(o) + '\n\n';
}

// Pre-render everything that does not depend on the request's model.
function frames(model) {
  const id = 'chatcmpl-bench';
  const created = 1700000000;
  const out = [];
  out.push(chunk(id, created, model, [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]));
  for (let i = 0; i < CHUNKS; i++) {
    out.push(chunk(id, created, model, [{ index: 0, delta: { content: `tok${i} ` }, finish_reason: null }]));
  }
  out.push(chunk(id, created, model, [{ index: 0, delta: {}, finish_reason: 'stop' }]));
  out.push(chunk(id, created, model, [], {
    prompt_tokens: PROMPT_TOKENS, completion_tokens: CHUNKS, total_tokens: PROMPT_TOKENS + CHUNKS,
  }));
  out.push('data: [DONE]\n\n');
  return out;
}

const frameCache = new Map();
function framesFor(model) {
  let f = frameCache.get(model);
  if (!f) {
    f = frames(model);
    if (frameCache.size < 64) frameCache.set(model, f);
  }
  return f;
}

function plainBody(model) {
  return JSON.stringify({
    id: 'chatcmpl-bench', object: 'chat.completion', created: 1700000000, model,
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hello! How can I help you today?' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: PROMPT_TOKENS, completion_tokens: 9, total_tokens: PROMPT_TOKENS + 9 },
  });
}

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const path = req.url.split('?')[0];
  if (path !== '/v1/chat/completions') {
    req.resume();
    return send(res, 404, '{"error":{"message":"not found","type":"invalid_request_error"}}');
  }
  if (req.method !== 'POST') {
    req.resume();
    return send(res, 405, '{"error":{"message":"method not allowed","type":"invalid_request_error"}}');
  }
  const parts = [];
  req.on('data', (d) => parts.push(d));
  req.on('end', () => {
    let parsed;
    try {
      parsed = JSON.parse(Buffer.concat(parts).toString('utf8') || '{}');
    } catch (e) {
      return send(res, 400, '{"error":{"message":"invalid JSON body","type":"invalid_request_error"}}');
    }
    const model = typeof parsed.model === 'string' ? parsed.model : 'upstream-model';
    if (parsed.stream !== true) return send(res, 200, plainBody(model));

    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
    });
    const f = framesFor(model);
    const delay = model.startsWith('paced') ? PACED_DELAY_MS : DELAY_MS;
    if (delay === 0) {
      for (const fr of f) res.write(fr);
      res.end();
      return;
    }
    let i = 0;
    const tick = () => {
      if (res.destroyed) return;
      res.write(f[i++]);
      if (i < f.length) setTimeout(tick, delay);
      else res.end();
    };
    tick();
  });
});

// Keep idle upstream connections longer than the proxies' pools do (nginx: 60s).
server.keepAliveTimeout = 75_000;
server.headersTimeout = 80_000;
server.requestTimeout = 0;
server.maxRequestsPerSocket = 0;

server.listen(PORT, HOST, () => {
  console.log(`sse-upstream listening on http://${HOST}:${PORT} chunks=${CHUNKS} delay_ms=${DELAY_MS} paced_delay_ms=${PACED_DELAY_MS}`);
});

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}
