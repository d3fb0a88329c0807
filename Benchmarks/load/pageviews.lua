-- Realistic page views on the monitoring API: half from new visitors, half from returning
-- visitors continuing their visit (vid and sid from earlier answers), on product pages of
-- which half are targeted by one of the 100 live campaigns; every third carries a cart SDE.
-- BECKON_PATH is "/api/account/<aid>/app/<siteId>"; DELAY_MS throttles each connection.
local base = os.getenv("BECKON_PATH")
local delay_ms = tonumber(os.getenv("DELAY_MS") or "0")
local visits = {}
local count = 0
local n = 0

function delay()
    return delay_ms
end

function request()
    n = n + 1
    local product = math.random(1, 200)
    local path = base .. "/engagement?v=1.0"
    if count > 0 and math.random() < 0.5 then
        local visit = visits[math.random(1, count)]
        path = path .. "&vid=" .. visit[1] .. "&sid=" .. visit[2]
    end
    local sde = ""
    if n % 3 == 0 then
        sde = ',"engagementAttributes":[{"type":"cart","total":' .. (product * 3) .. ',"numItems":2,"products":[{"product":{"name":"item ' .. product .. '"}}]}]'
    end
    local body = '{"entryPoints":["https://shop.example/product/' .. product .. '/detail","sec://shop","lang://en-US"],'
        .. '"clientProperties":{"deviceFamily":"DESKTOP","os":"LINUX"},'
        .. '"page":{"title":"Product ' .. product .. '","referrer":"https://www.google.com/"}' .. sde .. '}'
    return wrk.format("POST", path, {["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
    if status ~= 200 and status ~= 201 then return end
    local vid = body:match('"visitorId":"([^"]+)"')
    local sid = body:match('"sessionId":"([^"]+)"')
    if vid and sid then
        if count < 2000 then
            count = count + 1
            visits[count] = {vid, sid}
        else
            visits[math.random(1, count)] = {vid, sid}
        end
    end
end
