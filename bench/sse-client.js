#!/usr/bin/env node
// Streaming (SSE) load client for the Frugal benchmark. Node built-ins only.
//
// Runs C concurrent request loops over a keep-alive agent for D seconds (after W seconds of
// unrecorded warm-up) against an OpenAI-compatible POST /v1/chat/completions with
// "stream": true, and reports requests/s plus p50/p99 of
//   ttfb  = request start -> first response body byte
//   total = request start -> end of the response body
// A response counts as OK only with status 200, content-type text/event-stream and a final
// "data: [DONE]" frame; everything else is counted as an error (by reason).
//
// Usage:
//   node bench/sse-client.js --url http://127.0.0.1:9102/v1/chat/completions \
//        [--concurrency 8] [--duration 15] [--warmup 5] [--model bench-stream] \
//        [--key frg-bench-key] [--timeout 10] [--expect-frames N]
// Output: "key=value" lines on stdout (machine-readable), a one-line summary on stderr.
'use strict';

const http = require('http');
const { performance } = require('perf_hooks');

function parseArgs(argv) {
  const opts = {
    url: '', concurrency: 8, duration: 15, warmup: 5, model: 'bench-stream', key: '',
    timeout: 10, expectFrames: 0,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`missing value for ${a}`);
      return argv[++i];
    };
    switch (a) {
      case '--url': opts.url = next(); break;
      case '--concurrency': case '-c': opts.concurrency = Number(next()); break;
      case '--duration': case '-d': opts.duration = Number(next()); break;
      case '--warmup': case '-w': opts.warmup = Number(next()); break;
      case '--model': opts.model = next(); break;
      case '--key': opts.key = next(); break;
      case '--timeout': opts.timeout = Number(next()); break;
      case '--expect-frames': opts.expectFrames = Number(next()); break;
      case '-h': case '--help':
        process.stderr.write('see the header of bench/sse-client.js\n');
        process.exit(0);
        break;
      default: throw new Error(`unknown argument ${a}`);
    }
  }
  if (!opts.url) throw new Error('--url is required');
  const u = new URL(opts.url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) {
    throw new Error(`refusing non-loopback target ${u.hostname}`);
  }
  for (const k of ['concurrency', 'duration', 'warmup', 'timeout', 'expectFrames']) {
    if (!Number.isFinite(opts[k]) || opts[k] < 0) throw new Error(`bad --${k}`);
  }
  if (opts.concurrency < 1 || opts.duration <= 0) throw new Error('concurrency >= 1 and duration > 0 required');
  if (opts.duration > 600 || opts.warmup > 600) throw new Error('duration/warmup are capped at 600s');
  return opts;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

function fmt(x) {
  return Number.isFinite(x) ? x.toFixed(3) : 'nan';
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const url = new URL(opts.url);
  const body = Buffer.from(JSON.stringify({
    model: opts.model, messages: [{ role: 'user', content: 'Hello' }], stream: true,
  }));
  const headers = {
    'content-type': 'application/json',
    'accept': 'text/event-stream',
    'content-length': body.length,
  };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency, keepAliveMsecs: 1000 });

  const ttfb = [];
  const total = [];
  const errors = new Map();
  let frames = 0;
  let recording = false;
  let lastEnd = 0;

  const countError = (reason) => errors.set(reason, (errors.get(reason) || 0) + 1);

  function once() {
    return new Promise((resolve) => {
      const t0 = performance.now();
      const record = recording;
      let done = false;
      const finish = (err, tFirst, tEnd, nFrames) => {
        if (done) return;
        done = true;
        if (record) {
          if (err) countError(err);
          else {
            ttfb.push(tFirst - t0);
            total.push(tEnd - t0);
            frames += nFrames;
            lastEnd = tEnd;
          }
        }
        resolve();
      };
      const req = http.request({
        hostname: url.hostname, port: url.port || 80, path: url.pathname + url.search,
        method: 'POST', agent, headers,
      }, (res) => {
        let tFirst = 0;
        let text = '';
        const ctype = String(res.headers['content-type'] || '');
        res.setEncoding('utf8');
        res.on('data', (d) => {
          if (tFirst === 0) tFirst = performance.now();
          text += d;
        });
        res.on('end', () => {
          const tEnd = performance.now();
          if (res.statusCode !== 200) return finish(`status_${res.statusCode}`);
          if (!ctype.startsWith('text/event-stream')) return finish('content_type');
          if (!/data: \[DONE\]\s*$/.test(text)) return finish('no_done');
          const nFrames = (text.match(/^data: /gm) || []).length;
          if (opts.expectFrames && nFrames !== opts.expectFrames) return finish(`frames_${nFrames}`);
          finish(null, tFirst || tEnd, tEnd, nFrames);
        });
        res.on('error', () => finish('response_error'));
        res.on('aborted', () => finish('aborted'));
      });
      req.setTimeout(opts.timeout * 1000, () => req.destroy(new Error('timeout')));
      req.on('error', (e) => finish(e.message === 'timeout' ? 'timeout' : (e.code || 'request_error')));
      req.end(body);
    });
  }

  const start = performance.now();
  const warmEnd = start + opts.warmup * 1000;
  const measureEnd = warmEnd + opts.duration * 1000;
  let measureStart = warmEnd;
  if (opts.warmup === 0) recording = true;
  const warmTimer = setTimeout(() => { recording = true; measureStart = performance.now(); }, opts.warmup * 1000);

  async function loop() {
    while (performance.now() < measureEnd) {
      await once();
    }
  }
  await Promise.all(Array.from({ length: opts.concurrency }, loop));
  clearTimeout(warmTimer);
  agent.destroy();

  ttfb.sort((a, b) => a - b);
  total.sort((a, b) => a - b);
  const n = total.length;
  const elapsedS = n > 0 ? (lastEnd - measureStart) / 1000 : opts.duration;
  const errCount = [...errors.values()].reduce((a, b) => a + b, 0);
  const out = {
    requests: n,
    errors: errCount,
    error_reasons: [...errors.entries()].map(([k, v]) => `${k}:${v}`).join(',') || 'none',
    rps: fmt(n / elapsedS),
    ttfb_p50_ms: fmt(percentile(ttfb, 50)),
    ttfb_p99_ms: fmt(percentile(ttfb, 99)),
    total_p50_ms: fmt(percentile(total, 50)),
    total_p99_ms: fmt(percentile(total, 99)),
    frames_per_response: n ? (frames / n).toFixed(1) : '0',
    concurrency: opts.concurrency,
    duration_s: elapsedS.toFixed(2),
  };
  for (const [k, v] of Object.entries(out)) process.stdout.write(`${k}=${v}\n`);
  process.stderr.write(
    `sse-client ${opts.url}: ${out.requests} ok, ${out.errors} errors (${out.error_reasons}), ` +
    `${out.rps} req/s, ttfb p50/p99 ${out.ttfb_p50_ms}/${out.ttfb_p99_ms} ms, ` +
    `total p50/p99 ${out.total_p50_ms}/${out.total_p99_ms} ms, ${out.frames_per_response} frames/resp\n`);
  process.exitCode = n === 0 ? 2 : 0;
}

main().catch((e) => {
  process.stderr.write(`sse-client: ${e.message}\n`);
  process.exit(1);
});
