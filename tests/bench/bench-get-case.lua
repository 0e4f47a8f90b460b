-- SPDX-License-Identifier: GPL-3.0-or-later
-- wrk script: GET /v1/cases/$CASE as $TOKEN. See bench-server.sh.

wrk.method = "GET"
wrk.path = "/v1/cases/" .. os.getenv("CASE")
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT req_per_s=%.0f p99_ms=%.2f p50_ms=%.2f requests=%d non2xx=%d errors=%d\n",
    summary.requests / seconds, latency:percentile(99) / 1000, latency:percentile(50) / 1000,
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
