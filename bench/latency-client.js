#!/usr/bin/env node
// One-connection latency client for bench/learned-routing.sh: sends REQUESTS chat completions one after
// another over a kept-alive connection and prints one line:
//   LATENCY label=<label> n=<n> p50=<ms> p90=<ms> p99=<ms> mean=<ms> models=<x-frugal-model counts>
// Prompts: PROMPT_WORDS=0 sends the same short prompt every time (a repeated prompt); N > 0 sends a new
// prompt of about N words each time (every one a first sight for the embeddings cache).
// Env: TARGET (http://127.0.0.1:8080/v1/chat/completions), MODEL, KEY (bearer; unset = none),
//      REQUESTS (200), WARMUP (20), PROMPT_WORDS (0), LABEL. Node built-ins only.
'use strict';
const http = require('http');

const target = new URL(process.env.TARGET || 'http://127.0.0.1:8080/v1/chat/completions');
const model = process.env.MODEL || 'bench-plain';
const key = process.env.KEY || '';
const requests = Number.parseInt(process.env.REQUESTS || '200', 10);
const warmup = Number.parseInt(process.env.WARMUP || '20', 10);
const words = Number.parseInt(process.env.PROMPT_WORDS || '0', 10);
const label = process.env.LABEL || model;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const vocabulary = ('the a farmer sells eggs each day at market price dollars how many does she make if he buys three more '
  + 'than twice half of total cost per week apples oranges train leaves station speed miles hour poem river night').split(' ');

let counter = 0;
function prompt() {
  if (words === 0) return 'How many eggs does the farmer sell in a week if she sells twelve a day?';
  counter++;
  const out = ['Question', String(process.pid), String(counter) + ':'];
  let x = counter * 7919 + process.pid;
  for (let i = 0; i < words; i++) { x = (x * 1103515245 + 12345) % 2147483648; out.push(vocabulary[x % vocabulary.length]); }
  return out.join(' ');
}

function once() {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ model, max_tokens: 20, messages: [{ role: 'user', content: prompt() }] });
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    if (key) headers.authorization = 'Bearer ' + key;
    const t0 = process.hrtime.bigint();
    const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers, agent }, res => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error('status ' + res.statusCode));
        resolve([Number(process.hrtime.bigint() - t0) / 1e6, res.headers['x-frugal-model'] || '-']);
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

(async () => {
  for (let i = 0; i < warmup; i++) await once();
  const times = [];
  const models = {};
  for (let i = 0; i < requests; i++) {
    const [ms, served] = await once();
    times.push(ms);
    models[served] = (models[served] || 0) + 1;
  }
  times.sort((a, b) => a - b);
  const q = p => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(2);
  const mean = (times.reduce((a, b) => a + b, 0) / times.length).toFixed(2);
  const split = Object.entries(models).map(([m, n]) => m + ':' + n).join(',');
  console.log(`LATENCY label=${label} n=${times.length} p50=${q(0.5)} p90=${q(0.9)} p99=${q(0.99)} mean=${mean} models=${split}`);
  agent.destroy();
})().catch(e => { console.error(e.message); process.exit(1); });
