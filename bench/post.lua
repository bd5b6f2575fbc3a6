-- wrk script for the Frugal benchmark: POST a small chat request, optionally with a bearer key.
-- Env: BENCH_MODEL (bench-plain), BENCH_AUTH_KEY (unset = no Authorization header),
--      BENCH_STREAM (unset/0 = non-streaming; 1 adds "stream":true).
-- done() prints one machine-readable line starting with "FRUGAL_BENCH" (latencies in us).
local model = os.getenv("BENCH_MODEL") or "bench-plain"
local key = os.getenv("BENCH_AUTH_KEY")
local stream = os.getenv("BENCH_STREAM") == "1"

wrk.method = "POST"
if stream then
  wrk.body = '{"model":"' .. model .. '","messages":[{"role":"user","content":"Hello"}],"stream":true}'
else
  wrk.body = '{"model":"' .. model .. '","messages":[{"role":"user","content":"Hello"}]}'
end
wrk.headers["Content-Type"] = "application/json"
if key ~= nil and key ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. key
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "FRUGAL_BENCH requests=%d duration_us=%d rps=%.2f p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.1f "
      .. "err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end
