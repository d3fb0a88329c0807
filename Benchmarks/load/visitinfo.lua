-- Visit Information reads (LivePerson's brand API, SPEC §8) of live visits from a pool made before
-- the run (POOL_FILE, as reports.lua). BECKON_ACCOUNT and BEARER name the account and its key.
local account = os.getenv("BECKON_ACCOUNT")
local bearer = os.getenv("BEARER")
local pool = {}
for line in io.lines(os.getenv("POOL_FILE")) do
    local vid, sid = line:match("(%S+) (%S+)")
    pool[#pool + 1] = {vid, sid}
end
local i = 0

function request()
    i = i + 1
    local p = pool[(i % #pool) + 1]
    return wrk.format("GET", "/api/account/" .. account .. "/monitoring/visitors/" .. p[1] .. "/visits/current/state?v=1&sid=" .. p[2],
        {["Authorization"] = "Bearer " .. bearer})
end
