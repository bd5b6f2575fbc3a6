-- wrk script for the cache's memory phase: POST a chat request whose question differs every time
-- (thread id and a counter), so each one is a miss whose answer is stored: it fills the cache.
-- Env: BENCH_MODEL (bench-cached), BENCH_AUTH_KEY. done() prints one "FRUGAL_FILL requests=N" line.
local model = os.getenv("BENCH_MODEL") or "bench-cached"
local key = os.getenv("BENCH_AUTH_KEY")
local counter = 0
local id = 0
local threads = {}

function setup(thread)
  id = id + 1
  thread:set("tid", id)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  if key ~= nil and key ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. key
  end
end

function request()
  counter = counter + 1
  local body = '{"model":"' .. model .. '","messages":[{"role":"user","content":"Question ' .. tid .. '-' .. counter .. '"}]}'
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  io.write(string.format("FRUGAL_FILL requests=%d errors=%d\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))
end
