-- Impression reports on live contexts from a pool made before the run (POOL_FILE: one
-- "vid sid campaign engagement context" line each). EVENT is impDisplay or impAccept.
local base = os.getenv("BECKON_PATH")
local event = os.getenv("EVENT") or "impDisplay"
local pool = {}
for line in io.lines(os.getenv("POOL_FILE")) do
    local vid, sid, campaign, engagement, context = line:match("(%S+) (%S+) (%S+) (%S+) (%S+)")
    pool[#pool + 1] = {vid, sid, campaign, engagement, context}
end
local i = 0

function request()
    i = i + 1
    local p = pool[(i % #pool) + 1]
    local body = '{"pageId":"1","engagementAttributes":[{"type":"' .. event .. '","campaign":' .. p[3] .. ',"engId":' .. p[4]
        .. ',"revision":1,"eContext":[{"type":"engagementContext","id":"' .. p[5] .. '"}]}]}'
    return wrk.format("PUT", base .. "/report?v=1.0&vid=" .. p[1] .. "&sid=" .. p[2], {["Content-Type"] = "application/json"}, body)
end
