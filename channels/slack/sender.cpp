#include "channels/slack/sender.h"

#include <algorithm>

#include "channels/slack/inbound.h"
#include "channels/slack/text.h"

namespace storybot::slack {

void SlackSender::Send(const OutboundReply& reply, std::function<void(SendResult)> done) {
  pool_.Post([this, reply, done = std::move(done)] { done(SendNow(reply)); });
}

SendResult SlackSender::SendNow(const OutboundReply& reply) {
  const ReplyTarget target = DecodeReplyContext(reply.reply_context);
  if (target.channel.empty()) {
    return {SendOutcome::kPermanent, "slack reply without a channel in its context", 0};
  }
  const std::vector<std::string> pieces = EscapeAndSplit(reply.text);
  // Pieces an earlier attempt posted are skipped: the job runner stores their count with the
  // attempt (core/jobs/job_runner.cpp), so a retry, even after a restart, posts only the rest.
  std::size_t next =
      std::min(pieces.size(), static_cast<std::size_t>(std::max(0, reply.pieces_sent)));
  bool via_response_url = false;
  ApiOutcome outcome;
  for (; next < pieces.size(); ++next) {
    if (!via_response_url) {
      outcome = api_.PostMessage(target.channel, pieces[next], target.thread_ts, reply.trace_id);
      const bool cannot_post =
          outcome.slack_error == "not_in_channel" || outcome.slack_error == "channel_not_found";
      if (cannot_post && !target.response_url.empty()) {
        logger_.Log(LogLevel::kInfo, "slack: bot cannot post in the channel; using response_url",
                    {{"error.code", std::string_view(outcome.slack_error)},
                     {"storybot.channel", kChannelId.name()}},
                    reply.trace_id);
        via_response_url = true;
      }
    }
    if (via_response_url) {
      outcome = api_.PostToResponseUrl(target.response_url, pieces[next], reply.trace_id);
    }
    if (outcome.result.outcome != SendOutcome::kSent) break;
  }
  SendResult result = outcome.result;
  result.pieces_sent = static_cast<int>(next);
  return result;
}

}  // namespace storybot::slack
