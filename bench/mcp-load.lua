-- wrk script for bench/mcp-load.sh: POSTs `tools/call test_simple_text` (one JSON-RPC id per request,
-- unique across threads) and checks every response: HTTP 200 and the tool's text in the body.
--
-- Environment (set by mcp-load.sh):
--   MCP_PATH      request path, e.g. /mcp or /mcp/fixture
--   MCP_TOOL      tool name as this endpoint exposes it
--   MCP_SESSION   Mcp-Session-Id (session era); empty for stateless-era requests
--   MCP_ERA       "session" or "stateless" (2026-07-28: per-request _meta and Mcp-Method/Mcp-Name headers)
--   MCP_TOKEN     bearer token; empty for none
--   MCP_EXPECT    a substring every good response body contains
--   MCP_PACE_MS   when set (whole milliseconds ≥ 1): paced load — each connection waits this long after each
--                 answer before its next request, so the offered rate is about connections / (pace + latency)
--                 instead of as fast as the target answers. wrk times each request from its send, so time a
--                 request spends waiting for a stalled target before being sent is not counted (no
--                 coordinated-omission correction): paced figures show the latency of calls at that rate.
-- Prints one line "RESULT requests=… ok=… bad_status=… bad_body=… socket_errors=… rps=… p50_us=… p90_us=… p99_us=… max_us=…".

dofile((os.getenv("BENCH_DIR") or "bench") .. "/wrk-checks.lua")

local path, tool, era, expect
local next_id, base_id = 0, 0

function init(args)
  path = os.getenv("MCP_PATH") or "/mcp"
  tool = os.getenv("MCP_TOOL") or "test_simple_text"
  era = os.getenv("MCP_ERA") or "session"
  expect = os.getenv("MCP_EXPECT") or "This is a simple text response for testing."
  base_id = tid * 1000000000
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json, text/event-stream"
  local session = os.getenv("MCP_SESSION") or ""
  local token = os.getenv("MCP_TOKEN") or ""
  if era == "session" then
    wrk.headers["Mcp-Session-Id"] = session
    wrk.headers["MCP-Protocol-Version"] = "2025-11-25"
  else
    wrk.headers["MCP-Protocol-Version"] = "2026-07-28"
    wrk.headers["Mcp-Method"] = "tools/call"
    wrk.headers["Mcp-Name"] = tool
  end
  if token ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. token
  end
end

local pace = tonumber(os.getenv("MCP_PACE_MS") or "")
if pace ~= nil and pace >= 1 then
  -- wrk calls delay() after each answer only when the script defines it
  function delay()
    return pace
  end
end

function request()
  next_id = next_id + 1
  local params
  if era == "session" then
    params = '{"name":"' .. tool .. '","arguments":{}}'
  else
    params = '{"name":"' .. tool .. '","arguments":{},"_meta":{'
      .. '"io.modelcontextprotocol/protocolVersion":"2026-07-28",'
      .. '"io.modelcontextprotocol/clientCapabilities":{},'
      .. '"io.modelcontextprotocol/clientInfo":{"name":"wrk","version":"1"}}}'
  end
  local body = '{"jsonrpc":"2.0","id":' .. (base_id + next_id) .. ',"method":"tools/call","params":' .. params .. '}'
  return wrk.format(nil, path, nil, body)
end

function response(status, headers, body)
  record(status, body, body ~= nil and string.find(body, expect, 1, true) ~= nil and string.find(body, '"error"', 1, true) == nil)
end

