-- One wrk script for every workload.
--   wrk ... -s rotate.lua URL -- IDS_FILE PATH_TEMPLATE METHOD BODY_FILE TOKEN NOTION_VERSION
-- Each request takes the next ID from IDS_FILE (one per line, each thread starting at its own
-- offset) and substitutes it for {id} in PATH_TEMPLATE; {n} in the body becomes a request counter.
-- done() prints one line "BENCH_JSON {...}" that the runner parses.

local ids, path_tpl, method, body_tpl
local counter = 0
local thread_no = 0
local threads = {}

function setup(thread)
  thread:set("thread_no", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  ids = {}
  for line in io.lines(args[1]) do
    if #line > 0 then ids[#ids + 1] = line end
  end
  path_tpl = args[2]
  method = args[3]
  body_tpl = nil
  if args[4] ~= nil and args[4] ~= "-" then
    local f = assert(io.open(args[4], "rb"))
    body_tpl = f:read("*a")
    f:close()
  end
  wrk.headers["Authorization"] = "Bearer " .. args[5]
  wrk.headers["Notion-Version"] = args[6]
  if body_tpl ~= nil then wrk.headers["Content-Type"] = "application/json" end
  -- spread threads over the ID list
  counter = ((tonumber(thread_no) or 1) - 1) * 7919
end

function request()
  counter = counter + 1
  local id = ids[(counter % #ids) + 1]
  local path = path_tpl:gsub("{id}", id)
  local body = nil
  if body_tpl ~= nil then
    body = body_tpl:gsub("{n}", tostring(counter % 1000))
  end
  return wrk.format(method, path, nil, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"errors_connect":%d,"errors_read":%d,' ..
    '"errors_write":%d,"errors_status":%d,"errors_timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,' ..
    '"mean_us":%.1f,"max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end
