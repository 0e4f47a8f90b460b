-- SPDX-License-Identifier: GPL-3.0-or-later
-- wrk script: PUT /v1/cases/{uuid} with a new uuid (and case number) every
-- time, for the applicant $APPLICANT, as $TOKEN. See bench-server.sh.
-- The body passes the server's catalog checks: state "received", a number
-- HALL-YEAR-COUNTER-SEQUENCE of this year (UTC) with the case's own counter
-- (C01; the sequence is the wrk thread and the request counter, so unique
-- within a run), no promised_at and an empty checklist.

local token = os.getenv("TOKEN")
local applicant = os.getenv("APPLICANT")
local service = os.getenv("SERVICE") or "company_business_license"
local counter = 0
local thread_id = 0
-- Several wrk processes at once (bench-pg-ops.sh) each get their own SEED,
-- so that their uuids and case numbers differ.
local seed = tonumber(os.getenv("SEED") or "0")

function setup(thread)
  thread_id = thread_id + 1
  thread:set("id", thread_id)
end

function init(args)
  math.randomseed(os.time() * 1000 + (id or 0) + seed * 100)
end

local function uuid4()
  local template = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"
  return (string.gsub(template, "[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

function request()
  counter = counter + 1
  local uuid = uuid4()
  local body = string.format(
    '{"number":"YC-%s-C01-%d%09d","service":"%s","applicant":"%s","state":"received",' ..
    '"counter":"C01","official":"demo","checklist":[]}',
    os.date("!%Y"), seed * 10 + (id or 0), counter, service, applicant)
  return wrk.format("PUT", "/v1/cases/" .. uuid, {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT req_per_s=%.0f p99_ms=%.2f p50_ms=%.2f requests=%d non2xx=%d errors=%d\n",
    summary.requests / seconds, latency:percentile(99) / 1000, latency:percentile(50) / 1000,
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
