// telegram::ParseUpdate on arbitrary bodies, as POST /telegram/webhook hands them over.
// The first byte picks the bot's username (unknown, or a fixed one), the rest is the body.
//
// Oracles besides the sanitizers: a handled update carries a chat and UTF-8 text (the text goes
// into SQLite, logs and the story engine), and parsing is deterministic.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "channels/telegram/update.h"
#include "core/utf8.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using storybot::fuzz::Check;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view bot = (data[0] & 1) != 0 ? "storybot_test_bot" : "";
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);

  auto first = storybot::telegram::ParseUpdate(body, bot);
  auto second = storybot::telegram::ParseUpdate(body, bot);
  Check(first.ok() == second.ok(), "parsing is not deterministic");
  if (!first.ok()) return 0;
  const auto& update = first.value();
  Check(update.handled == second.value().handled, "parsing is not deterministic");
  if (update.handled) {
    const storybot::InboundMessage& m = update.message;
    Check(m.channel == "telegram", "a handled update on another channel");
    Check(!m.chat_id.empty(), "a handled update without a chat id");
    Check(storybot::utf8::IsValid(m.text), "message text that is not UTF-8");
    Check(storybot::utf8::IsValid(m.user_name), "user name that is not UTF-8");
  }
  return 0;
}
