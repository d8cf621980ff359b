// The Slack surfaces: the v0 signature verifier (headers and raw body as received), the Events
// API parser and the slash-command form parser. The input is split on the first two "\n":
// timestamp, signature, body. The body is checked both as a signed event and as a form.
//
// Oracles besides the sanitizers: a body we sign ourselves verifies, a byte flipped in it does
// not, and parsed texts and ids are UTF-8.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "channels/slack/commands.h"
#include "channels/slack/events.h"
#include "channels/slack/inbound.h"
#include "channels/slack/signature.h"
#include "core/utf8.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/support/fake_clock.h"

namespace {

using namespace storybot;
using fuzz::Check;
using fuzz::TakeLine;

constexpr std::int64_t kNow = 1531420618;  // Slack's documented example's timestamp
constexpr std::string_view kSecret = "8f742231b10e8888abcd99yyyzzz85a5";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::string_view timestamp = TakeLine(in);
  const std::string_view signature = TakeLine(in);
  const std::string_view body = in;

  static const storybot::test::FakeClock clock{
      std::chrono::system_clock::time_point(std::chrono::seconds(kNow))};
  const slack::SignatureVerifier verifier{std::string(kSecret), clock};
  (void)verifier.Verify(timestamp, signature, body);  // any header garbage: an error, no crash

  // Our own signature over this body must pass, and a single changed byte must not.
  const std::string ts = std::to_string(kNow);
  const std::string good = slack::ComputeSignature(kSecret, ts, body);
  Check(verifier.Verify(ts, good, body).ok(), "a correct signature was refused");
  if (!body.empty()) {
    std::string tampered(body);
    tampered[size % tampered.size()] ^= 0x01;
    Check(!verifier.Verify(ts, good, tampered).ok(), "a tampered body was accepted");
  }

  auto event = slack::ParseEvent(body, "UBOT123");
  if (event.ok() && event.value().kind == slack::SlackEvent::Kind::kMessage) {
    const slack::SlackEvent& e = event.value();
    Check(utf8::IsValid(e.text), "event text that is not UTF-8");
    (void)slack::EventDedupeKey(e);
    const InboundMessage m = slack::MessageFromEvent(e, "trace");
    (void)slack::DecodeReplyContext(m.reply_context);
  }
  (void)slack::StripMention(body, "UBOT123");
  (void)slack::StripMention(body, "");

  auto form = slack::ParseForm(body);
  if (form.ok()) {
    for (const auto& [key, value] : form.value()) {
      Check(utf8::IsValid(value), "a form value that is not UTF-8");
    }
    auto command = slack::ParseSlashCommand(form.value());
    if (command.ok()) {
      (void)slack::IsHelpRequest(command.value().text);
      (void)slack::ChatText(command.value().text, true);
      const InboundMessage m = slack::MessageFromCommand(command.value(), "trace");
      (void)slack::DecodeReplyContext(m.reply_context);
    }
  }
  return 0;
}
