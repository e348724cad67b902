-- wrk script for bench/openapi-call.sh. Two modes (environment OA_MODE):
--   direct  GET OA_PATH on the petstore backend
--   mcp     POST tools/call OA_TOOL {"petId": 7} to OA_PATH on the gateway, in session OA_SESSION
-- Every response is checked (HTTP 200, the pet's name in the body, no JSON-RPC error, no isError:true).
-- Prints one line "RESULT requests=… ok=… bad_status=… bad_body=… socket_errors=… rps=… p50_us=… p90_us=… p99_us=… max_us=…".

dofile((os.getenv("BENCH_DIR") or "bench") .. "/wrk-checks.lua")

local mode, path, tool
local next_id, base_id = 0, 0

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
  record(status, body, body ~= nil and string.find(body, '"rex', 1, true) ~= nil and string.find(body, '"error"', 1, true) == nil
    and string.find(body, '"isError":true', 1, true) == nil)
end

