-- wrk script: GET over a key space of 10 000 keys (load them first with put.lua).
-- usage: wrk -t2 -c16 -d10s -s bench/get.lua http://127.0.0.1:7003 [-- QUERY]
--   QUERY is appended to every path, e.g. "consistency=strong" to read at any node (docs/consistency.md)
local counter = 0
local query = ""
init = function(args)
  if args[1] ~= nil and args[1] ~= "" then query = "?" .. args[1] end
end
request = function()
  counter = counter + 1
  return wrk.format("GET", "/kv/key-" .. ((counter * 7919) % 10000) .. query)
end
