-- wrk script: GET over a key space of 10 000 keys (load them first with put.lua).
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/kv/key-" .. ((counter * 7919) % 10000))
end
