-- wrk script for the POST benchmark: every request creates one new prompt (JSON body, bearer token).
-- The same script drives storybot's POST /api/prompts and Flask's POST /prompts, so both get identical
-- requests except for the path (taken from the URL). Flask ignores the Authorization header.
-- BENCH_TOKEN comes from the environment so the token never appears on a command line or in results.

local token = os.getenv("BENCH_TOKEN") or ""
local next_thread = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
if token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

-- Runs in the main Lua state once per thread: give each thread an id so contents are unique across threads.
function setup(thread)
  next_thread = next_thread + 1
  thread:set("tid", next_thread)
end

local n = 0

function request()
  n = n + 1
  local body = string.format(
    '{"content":"{{user_name}}，这是第%d-%d个压测故事：小狐狸在雪山上找到了春天。"}', tid or 0, n)
  return wrk.format(nil, nil, nil, body)
end
