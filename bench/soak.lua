-- wrk script for make soak: steady mixed load from each connection, paced by delay() so the load
-- stays below what storybot's Telegram sender may answer (30 messages/s), i.e. a steady state,
-- not a growing backlog (it sends about 10 "/help" answers a second here: a typing action and a
-- message per job, paced). Per 100 requests of a connection: 1 Telegram delivery (new update_id,
-- one of 500 chats, "/help"), 2 PUTs of prompt 1, 4 story previews, 8 stats reads, 4
-- single-prompt reads and 81 list reads. From the environment (never on a command line or in results):
--   SOAK_TOKEN     the admin token
--   SOAK_TG_SECRET the Telegram webhook secret token
--   SOAK_DELAY_MS  pause after each request on a connection (default 10)

local token = os.getenv("SOAK_TOKEN") or ""
local secret = os.getenv("SOAK_TG_SECRET") or ""
local pause = tonumber(os.getenv("SOAK_DELAY_MS") or "10")
local next_thread = 0
local threads = {}

function setup(thread)
  next_thread = next_thread + 1
  thread:set("tid", next_thread)
  table.insert(threads, thread)
end

-- Non-2xx answers by status, per thread, printed by done() as "non-2xx by status: 409=3 …".
statuses = {}
function response(status, headers, body)
  if status >= 300 then
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local all = {}
  for _, t in ipairs(threads) do
    for status, count in pairs(t:get("statuses")) do all[status] = (all[status] or 0) + count end
  end
  local parts = {}
  for status, count in pairs(all) do table.insert(parts, status .. "=" .. count) end
  io.write("non-2xx by status: " .. (#parts > 0 and table.concat(parts, " ") or "none") .. "\n")
end

local n = 0
local admin = { ["Authorization"] = "Bearer " .. token }
local admin_json = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
local telegram = { ["Content-Type"] = "application/json", ["X-Telegram-Bot-Api-Secret-Token"] = secret }

function request()
  n = n + 1
  local slot = n % 100
  if slot == 0 then
    local update_id = (tid or 0) * 1e9 + n
    -- The n-th delivery of this thread goes to the n-th of 500 chats: Telegram allows one
    -- message per second per chat, so deliveries cycling over a few chats would pile up.
    local chat = 1000 + ((tid or 0) * 97 + math.floor(n / 100)) % 500
    local body = string.format('{"update_id":%d,"message":{"message_id":%d,"date":1700000000,' ..
      '"chat":{"id":%d,"type":"private"},"from":{"id":%d,"is_bot":false,"first_name":"Soak"},' ..
      '"text":"/help"}}', update_id, n, chat, chat)
    return wrk.format("POST", "/telegram/webhook", telegram, body)
  elseif slot < 3 then
    local body = string.format('{"title":"soak %d","content":"Tell {{user_name|a child}} a story about {{request}} (%d-%d)."}', n % 7, tid or 0, n)
    return wrk.format("PUT", "/api/prompts/1", admin_json, body)
  elseif slot < 7 then
    return wrk.format("POST", "/api/stories/preview", admin_json,
      '{"request":"a fox who finds spring","prompt_id":1,"variables":{"user_name":"Ann"}}')
  elseif slot < 15 then
    return wrk.format("GET", "/api/stats", admin)
  elseif slot < 19 then
    return wrk.format("GET", "/api/prompts/2", admin)
  end
  return wrk.format("GET", "/api/prompts", admin)
end

function delay()
  return pause
end
