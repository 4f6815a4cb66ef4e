-- wrk script: PUT 100-byte values over a key space of 10 000 keys.
-- usage: wrk -t2 -c16 -d10s -s bench/put.lua http://127.0.0.1:7001 [-- QUERY]
--   QUERY is appended to every path, e.g. "ack=head" or "ack=2" (docs/consistency.md)
local value = string.rep("v", 100)
local counter = 0
local query = ""
init = function(args)
  if args[1] ~= nil and args[1] ~= "" then query = "?" .. args[1] end
end
request = function()
  counter = counter + 1
  local key = "key-" .. ((counter * 7919) % 10000)
  return wrk.format("PUT", "/kv/" .. key .. query, nil, value)
end
