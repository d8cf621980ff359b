-- wrk script for Telegram webhook ingest: every request is a new Telegram Update (a private "/help" message,
-- so storybot's replies are cheap) with an update_id never sent before in this run. The same script drives
-- storybot's POST /telegram/webhook and the grammY anchor (which accepts any path), so both get identical
-- requests. From the environment, so the secret never appears on a command line or in results:
--   BENCH_TG_SECRET  the webhook secret token (header X-Telegram-Bot-Api-Secret-Token)
--   BENCH_PHASE      0 for the warm-up, 1 for the measured run: part of the update_id, so the measured run
--                    does not resend the warm-up's ids (storybot would answer those as cheap duplicates)
--   BENCH_TG_CHATS   how many different chats the messages spread over (default 1000)

local secret = os.getenv("BENCH_TG_SECRET") or ""
local phase = tonumber(os.getenv("BENCH_PHASE") or "0")
local chats = tonumber(os.getenv("BENCH_TG_CHATS") or "1000")
local next_thread = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Telegram-Bot-Api-Secret-Token"] = secret

-- Runs in the main Lua state once per thread: each thread gets its own id range for update_id.
function setup(thread)
  next_thread = next_thread + 1
  thread:set("tid", next_thread)
end

local n = 0

function request()
  n = n + 1
  -- update_id = phase * 1e10 + thread * 1e9 + n: unique across threads and phases (< 2^53, exact in Lua).
  local update_id = phase * 1e10 + (tid or 0) * 1e9 + n
  -- Threads start their chats at different offsets so the first requests do not all hit the same chat.
  local chat = 100000 + ((tid or 0) * 7919 + n) % chats
  local body = string.format(
    '{"update_id":%.0f,"message":{"message_id":%d,"date":1764100000,' ..
    '"chat":{"id":%d,"type":"private","first_name":"Bench"},' ..
    '"from":{"id":%d,"is_bot":false,"first_name":"Bench","language_code":"en"},"text":"/help"}}',
    update_id, n, chat, chat)
  return wrk.format(nil, nil, nil, body)
end
