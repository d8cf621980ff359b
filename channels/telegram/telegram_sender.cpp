#include "channels/telegram/telegram_sender.h"

#include <boost/json.hpp>
#include <charconv>

#include "channels/telegram/markdown.h"
#include "core/text_split.h"

namespace storybot::telegram {
namespace {

constexpr long kSendTimeoutMs = 30000;

// Numeric chat ids go as numbers, "@channelname" ids as strings.
boost::json::value ChatIdValue(const std::string& chat_id) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(chat_id.data(), chat_id.data() + chat_id.size(), id);
  if (ec == std::errc() && end == chat_id.data() + chat_id.size()) return id;
  return boost::json::value(chat_id);
}

std::int64_t ReplyTo(const std::string& reply_context) {
  if (reply_context.empty()) return 0;
  boost::system::error_code ec;
  const auto value = boost::json::parse(reply_context, ec);
  if (ec || !value.is_object()) return 0;
  const auto* id = value.as_object().if_contains("reply_to_message_id");
  return id != nullptr && id->is_int64() ? id->as_int64() : 0;
}

}  // namespace

Clock::SteadyTime Pacer::Reserve(const std::string& chat_id) {
  const auto now = clock_.SteadyNow();
  std::lock_guard lock(mutex_);
  auto& chat_next = next_for_chat_[chat_id];
  const auto slot = std::max({now, next_global_, chat_next});
  next_global_ = slot + std::chrono::microseconds(1000000 / options_.messages_per_second);
  chat_next = slot + options_.per_chat_interval;
  if (next_for_chat_.size() > 10000) {  // forget chats whose slot has passed
    std::erase_if(next_for_chat_, [now](const auto& entry) { return entry.second < now; });
  }
  return slot;
}

TelegramSender::TelegramSender(const BotApi& api, Logger& logger, SenderOptions options,
                               Clock& clock)
    : api_(api),
      logger_(logger),
      options_(options),
      clock_(clock),
      pacer_(options, clock),
      pool_(options.threads) {}

TelegramSender::~TelegramSender() { Stop(); }

void TelegramSender::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  pool_.Stop();
}

bool TelegramSender::SleepUntil(Clock::SteadyTime until) {
  std::unique_lock lock(mutex_);
  while (!stopping_ && clock_.SteadyNow() < until) clock_.WaitUntil(wake_, lock, until);
  return !stopping_;
}

void TelegramSender::Send(const OutboundReply& reply, std::function<void(SendResult)> done) {
  pool_.Post([this, reply, done = std::move(done)] { done(SendNow(reply)); });
}

void TelegramSender::StartedWriting(const InboundMessage& message) {
  pool_.Post([this, chat_id = message.chat_id, trace_id = message.trace_id] {
    const ApiResult r =
        api_.Call("sendChatAction", {{"chat_id", ChatIdValue(chat_id)}, {"action", "typing"}}, 5000,
                  trace_id);
    if (r.kind != ApiResult::Kind::kOk) {
      logger_.Log(LogLevel::kDebug, "sendChatAction failed (ignored)",
                  {{"error.message", std::string_view(r.description)}}, trace_id);
    }
  });
}

SendResult TelegramSender::SendNow(const OutboundReply& reply) {
  // Escaping at most doubles a piece, so MarkdownV2 pieces are cut at half the limit.
  const std::vector<std::string> pieces =
      SplitMessage(reply.text, options_.markdown_v2 ? 2048 : 4096, LengthUnit::kUtf16);
  const std::int64_t reply_to = ReplyTo(reply.reply_context);
  // A retry resumes after the pieces that already went out (the runner keeps the count on disk),
  // so the reader never gets the first pieces twice.
  const std::size_t first =
      std::min(pieces.size(), static_cast<std::size_t>(std::max(0, reply.pieces_sent)));
  for (std::size_t i = first; i < pieces.size(); ++i) {
    const int sent = static_cast<int>(i);
    boost::json::object params{{"chat_id", ChatIdValue(reply.chat_id)}, {"text", pieces[i]}};
    if (options_.markdown_v2) {
      params["text"] = EscapeMarkdownV2(pieces[i]);
      params["parse_mode"] = "MarkdownV2";
    }
    if (i == 0 && reply_to != 0) {
      params["reply_parameters"] = {{"message_id", reply_to},
                                    {"allow_sending_without_reply", true}};
    }
    ApiResult result;
    for (int attempt = 0; attempt < options_.attempts_per_send; ++attempt) {
      if (!SleepUntil(pacer_.Reserve(reply.chat_id))) {
        return {SendOutcome::kRetry, "stopping", 0, sent};
      }
      result = api_.Call("sendMessage", params, kSendTimeoutMs, reply.trace_id);
      if (result.kind == ApiResult::Kind::kOk) break;
      if (result.kind == ApiResult::Kind::kClientError) {
        return {SendOutcome::kPermanent,
                "sendMessage: " + std::to_string(result.status) + " " + result.description, 0};
      }
      if (attempt + 1 == options_.attempts_per_send) break;
      auto wait = std::chrono::milliseconds(500 << attempt);
      if (result.kind == ApiResult::Kind::kRetryAfter) {
        if (result.retry_after_s > 60) {  // too long to hold a worker: the runner retries later
          return {SendOutcome::kRetry, "sendMessage: 429", result.retry_after_s, sent};
        }
        wait = std::chrono::seconds(result.retry_after_s);
      }
      logger_.Log(LogLevel::kWarn, "sendMessage failed; retrying",
                  {{"error.message", std::string_view(result.description)},
                   {"http.response.status_code", static_cast<std::int64_t>(result.status)},
                   {"labels.attempt", static_cast<std::int64_t>(attempt + 1)}},
                  reply.trace_id);
      if (!SleepUntil(clock_.SteadyNow() + wait)) {
        return {SendOutcome::kRetry, "stopping", 0, sent};
      }
    }
    if (result.kind != ApiResult::Kind::kOk) {
      return {SendOutcome::kRetry,
              "sendMessage: " + std::to_string(result.status) + " " + result.description,
              result.retry_after_s, sent};
    }
  }
  return {SendOutcome::kSent, "", 0};
}

}  // namespace storybot::telegram
