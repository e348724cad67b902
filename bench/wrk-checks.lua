-- Shared part of the wrk scripts in bench/ (loaded with dofile from $BENCH_DIR): thread bookkeeping, a
-- per-response verdict counted per thread, and done(), which prints one line
-- "RESULT requests=… ok=… bad_status=… bad_body=… socket_errors=… rps=… p50_us=… p90_us=… p99_us=… max_us=…"
-- (and "FIRST_BAD …" with the first bad answer, when there was one).

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

-- globals: done() reads them from each thread with thread:get
ok, bad_status, bad_body, first_bad = 0, 0, 0, nil

-- record(status, body, good): counts one answer; good is whether a 200 body is what was expected
function record(status, body, good)
  if status ~= 200 then
    bad_status = bad_status + 1
    if first_bad == nil then first_bad = status .. " " .. string.sub(body or "", 1, 200) end
  elseif body == nil or not good then
    bad_body = bad_body + 1
    if first_bad == nil then first_bad = "200 " .. string.sub(body or "", 1, 200) end
  else
    ok = ok + 1
  end
end

function done(summary, latency, requests)
  local t_ok, t_status, t_body = 0, 0, 0
  local sample = nil
  for _, t in ipairs(threads) do
    t_ok = t_ok + t:get("ok")
    t_status = t_status + t:get("bad_status")
    t_body = t_body + t:get("bad_body")
    sample = sample or t:get("first_bad")
  end
  local e = summary.errors
  local socket = e.connect + e.read + e.write + e.timeout
  io.write(string.format(
    "RESULT requests=%d ok=%d bad_status=%d bad_body=%d socket_errors=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
    summary.requests, t_ok, t_status, t_body, socket, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
  if sample ~= nil then
    io.write("FIRST_BAD " .. sample .. "\n")
  end
end
