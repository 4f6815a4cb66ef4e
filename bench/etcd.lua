-- wrk script: etcd's v3 JSON gateway over 10 000 keys, keys and values base64 as the gateway wants them.
--   wrk ... -s bench/etcd.lua http://127.0.0.1:2379 -- put     POST /v3/kv/put of 100-byte values
--   wrk ... -s bench/etcd.lua http://127.0.0.1:2379 -- range   POST /v3/kv/range (linearizable; load keys first)
local b64chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
local function b64(data)
  return ((data:gsub('.', function(x)
    local r, b = '', x:byte()
    for i = 8, 1, -1 do r = r .. (b % 2 ^ i - b % 2 ^ (i - 1) > 0 and '1' or '0') end
    return r
  end) .. '0000'):gsub('%d%d%d?%d?%d?%d?', function(x)
    if #x < 6 then return '' end
    local c = 0
    for i = 1, 6 do c = c + (x:sub(i, i) == '1' and 2 ^ (6 - i) or 0) end
    return b64chars:sub(c + 1, c + 1)
  end) .. ({ '', '==', '=' })[#data % 3 + 1])
end
local value = b64(string.rep("v", 100))
local keys = {}
for i = 0, 9999 do keys[i] = b64("key-" .. i) end
local counter = 0
local op = "put"
init = function(args)
  op = args[1] or "put"
  if op ~= "put" and op ~= "range" then error("bench/etcd.lua: the argument is put or range, not " .. op) end
end
request = function()
  counter = counter + 1
  local key = keys[(counter * 7919) % 10000]
  if op == "put" then
    return wrk.format("POST", "/v3/kv/put", { ["Content-Type"] = "application/json" },
      '{"key":"' .. key .. '","value":"' .. value .. '"}')
  end
  return wrk.format("POST", "/v3/kv/range", { ["Content-Type"] = "application/json" }, '{"key":"' .. key .. '"}')
end
