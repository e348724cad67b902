-- wrk script for bench/openapi-call.sh. Two modes (environment OA_MODE):
--   direct  GET OA_PATH on the petstore backend
--   mcp     POST tools/call OA_TOOL {"petId": 7} to OA_PATH on the gateway, in session OA_SESSION
-- Every response is checked (HTTP 200, the pet's name in the body, no JSON-RPC error, no isError:true).
-- Prints one line "RESULT requests=… ok=… bad_status=… bad_body=… socket_errors=… rps=… p50_us=… p90_us=… p99_us=… max_us=…".

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

local mode, path, tool
local next_id, base_id = 0, 0
ok, bad_status, bad_body, first_bad = 0, 0, 0, nil

function init(args)
  mode = os.getenv("OA_MODE") or "direct"
  path = os.getenv("OA_PATH") or "/api/v3/pet/7"
  tool = os.getenv("OA_TOOL") or "getPetById"
  base_id = tid * 1000000000
  if mode == "mcp" then
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
    wrk.headers["Accept"] = "application/json, text/event-stream"
    wrk.headers["Mcp-Session-Id"] = os.getenv("OA_SESSION") or ""
    wrk.headers["MCP-Protocol-Version"] = "2025-11-25"
  else
    wrk.method = "GET"
  end
end

function request()
  if mode ~= "mcp" then
    return wrk.format(nil, path)
  end
  next_id = next_id + 1
  local body = '{"jsonrpc":"2.0","id":' .. (base_id + next_id) .. ',"method":"tools/call","params":{"name":"'
    .. tool .. '","arguments":{"petId":7}}}'
  return wrk.format(nil, path, nil, body)
end

function response(status, headers, body)
  if status ~= 200 then
    bad_status = bad_status + 1
    if first_bad == nil then first_bad = status .. " " .. string.sub(body or "", 1, 200) end
  elseif body == nil or not string.find(body, '"rex', 1, true) or string.find(body, '"error"', 1, true)
      or string.find(body, '"isError":true', 1, true) then
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
