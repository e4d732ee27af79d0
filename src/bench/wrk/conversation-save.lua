-- wrk -s src/bench/wrk/conversation-save.lua: saves of 4 messages (~200 bytes each) into new
-- sessions, with the bearer token from the TOKEN environment variable.
local token = os.getenv("TOKEN")
local text = string.rep("a conversation message of moderate length. ", 5)
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.body = '{"messages":[' ..
    '{"role":"user","content":"' .. text .. '"},' ..
    '{"role":"assistant","content":"' .. text .. '"},' ..
    '{"role":"user","content":"' .. text .. '"},' ..
    '{"role":"assistant","content":"' .. text .. '"}]}'

local statuses = {}
response = function(status)
    statuses[status] = (statuses[status] or 0) + 1
end

done = function()
    for status, count in pairs(statuses) do
        io.write(string.format("status %d: %d\n", status, count))
    end
end
