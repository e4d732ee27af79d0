-- wrk -s src/bench/wrk/conversation-history.lua: reads the newest LIMIT (default 50) messages of SESSION
-- (a session saved beforehand), with the bearer token from TOKEN.
wrk.method = "GET"
wrk.path = "/api/conversations/history?limit=" .. (os.getenv("LIMIT") or "50") .. "&session_id=" .. os.getenv("SESSION")
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
