-- One endpoint under load, for bench/run. Arguments after `--`:
--   1: "get", "widget" (POST a new widget conversation, a new email each time), "poll"
--      (a GET that sends back the ETag it was given, as the bell does: 304 until it changes)
--      or "events" (POST a batch of 1,000 product events with new ids to /api/v1/events)
--   2: the Cookie header ("" for none)
--   3: a run id, to make the widget's emails (and the events' ids) unique across runs
--   4, 5, 6 ("events" only): the API token, customers' emails (comma-separated), the events'
--      time (ISO 8601)
-- Every status but the expected one (200, or 201 for "widget") counts as an error, so a
-- redirect to the login page cannot pass for a page. done() prints one JSON line, with
-- the requests sent: when the time is up some are still in flight (their rows may exist,
-- their 201s were never read), so bench/run checks 201s <= rows created <= requests sent.
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  mode, cookie, run_id = args[1], args[2], args[3]
  if mode == "events" then
    token, at, emails = args[4], args[6], {}
    for email in string.gmatch(args[5], "[^,]+") do table.insert(emails, email) end
  end
  expected = mode == "widget" and 201 or 200
  etag = nil
  counter, good, bad, sent = 0, 0, 0, 0
  headers = {}
  if cookie ~= nil and cookie ~= "" then headers["Cookie"] = cookie end
  if mode == "widget" or mode == "events" then headers["Content-Type"] = "application/json" end
  if mode == "events" then headers["Authorization"] = "Bearer " .. token end
end

local names = {"logged_in", "page_viewed", "order_placed", "report_exported", "invited_user"}

local function event_batch()
  local parts = {}
  for index = 1, 1000 do
    parts[index] = string.format(
      '{"id": "b-%s-%d-%d-%d", "customer": {"email": "%s"}, "name": "%s", "at": "%s"}',
      run_id, thread_id, counter, index, emails[(index % #emails) + 1],
      names[(index % #names) + 1], at)
  end
  return '{"events": [' .. table.concat(parts, ",") .. "]}"
end

function request()
  sent = sent + 1
  if mode == "widget" then
    counter = counter + 1
    local email = string.format("bench-%s-%d-%d@generated.example", run_id, thread_id, counter)
    local body = string.format(
      '{"name": "Bench Visitor", "email": "%s", "subject": "Where is my order?",'
      .. ' "message": "My order has not arrived yet. Could you check where it is?"}', email)
    return wrk.format("POST", nil, headers, body)
  end
  if mode == "events" then
    counter = counter + 1
    return wrk.format("POST", nil, headers, event_batch())
  end
  if mode == "poll" and etag ~= nil then headers["If-None-Match"] = etag end
  return wrk.format("GET", nil, headers, nil)
end

function response(status, response_headers, body)
  if mode == "poll" then
    if status == 200 then etag = response_headers["ETag"] or response_headers["etag"] end
    if status == 200 or status == 304 then good = good + 1 else bad = bad + 1 end
    return
  end
  if status == expected then good = good + 1 else bad = bad + 1 end
end

function done(summary, latency, requests)
  local good_total, bad_total, sent_total = 0, 0, 0
  for _, thread in ipairs(threads) do
    good_total = good_total + thread:get("good")
    bad_total = bad_total + thread:get("bad")
    sent_total = sent_total + thread:get("sent")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d,'
    .. ' "p99_us": %d, "max_us": %d, "expected_status": %d, "unexpected_status": %d,'
    .. ' "socket_errors": %d, "sent": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, good_total, bad_total,
    e.connect + e.read + e.write + e.timeout, sent_total))
end
