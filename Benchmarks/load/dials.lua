-- Dial authorizations (SPEC §13) the way a brand's call page asks for them: each request a clicked
-- context from the pool (POOL_FILE, as reports.lua) and a number never asked for before, so each
-- one is decided and written afresh. BECKON_ACCOUNT and BEARER name the account and its key.
local account = os.getenv("BECKON_ACCOUNT")
local bearer = os.getenv("BEARER")
local pool = {}
for line in io.lines(os.getenv("POOL_FILE")) do
    local vid, sid, campaign, engagement, context = line:match("(%S+) (%S+) (%S+) (%S+) (%S+)")
    pool[#pool + 1] = {vid, sid, context}
end
local threads = 0

function setup(thread)
    threads = threads + 1
    thread:set("id", threads)
end

local i = 0

function request()
    i = i + 1
    local p = pool[(i % #pool) + 1]
    -- +1 202 and seven digits: a thread's own range, so no two requests ask for the same number.
    local number = string.format("+1202%07d", (id * 3000000 + i) % 10000000)
    local body = '{"visitorId":"' .. p[1] .. '","sessionId":"' .. p[2] .. '","contextId":"' .. p[3] .. '","phoneNumber":"' .. number .. '"}'
    return wrk.format("POST", "/api/account/" .. account .. "/clicktocall/dial-authorizations",
        {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. bearer}, body)
end
