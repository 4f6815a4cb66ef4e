-- wrk script: etcd v3 JSON gateway linearizable range (POST /v3/kv/range) over 10 000 keys (load them with
-- etcd-put.lua first). usage: wrk -s bench/etcd-range.lua http://127.0.0.1:2379
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
local keys = {}
for i = 0, 9999 do keys[i] = b64("key-" .. i) end
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("POST", "/v3/kv/range", { ["Content-Type"] = "application/json" },
    '{"key":"' .. keys[(counter * 7919) % 10000] .. '"}')
end
