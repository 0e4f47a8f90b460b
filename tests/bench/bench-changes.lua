-- SPDX-License-Identifier: GPL-3.0-or-later
-- wrk script: GET /v1/changes?since=N&limit=$LIMIT (default 100) as $TOKEN,
-- N random in [0, $MAX_SEQ): a page of the change feed as counters pull
-- it. See bench-pg-ops.sh.

local token = os.getenv("TOKEN")
local max_seq = tonumber(os.getenv("MAX_SEQ") or "1000")
local limit = tonumber(os.getenv("LIMIT") or "100")
local thread_id = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("id", thread_id)
end

function init(args)
  math.randomseed(os.time() * 1000 + (id or 0))
end

function request()
  local since = math.random(0, math.max(max_seq - limit, 0))
  return wrk.format("GET", string.format("/v1/changes?since=%d&limit=%d", since, limit), {
    ["Authorization"] = "Bearer " .. token,
  })
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT req_per_s=%.0f p99_ms=%.2f p50_ms=%.2f requests=%d non2xx=%d errors=%d\n",
    summary.requests / seconds, latency:percentile(99) / 1000, latency:percentile(50) / 1000,
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
