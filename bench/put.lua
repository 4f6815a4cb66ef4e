-- wrk script: PUT 100-byte values over a key space of 10 000 keys.
-- usage: wrk -t2 -c16 -d10s -s bench/put.lua http://127.0.0.1:7001
local value = string.rep("v", 100)
local counter = 0
request = function()
  counter = counter + 1
  local key = "key-" .. ((counter * 7919) % 10000)
  return wrk.format("PUT", "/kv/" .. key, nil, value)
end
