#pragma once
// Sends story replies to Slack: escaped for mrkdwn, split at 4,000 characters, posted with
// chat.postMessage in the reply's channel and thread; a slash command's reply goes through its
// response_url when the bot may not post in the channel (not_in_channel, channel_not_found).
//
// Calls block, so they run on the sender's own threads (not the job runner's). When a reply is
// split and a later piece fails, the result says how many pieces were posted; the job runner
// stores that with the attempt and passes it back (OutboundReply::pieces_sent), so a retry, even
// after a restart, does not post them twice.
#include <cstddef>
#include <functional>
#include <string>

#include "channels/slack/web_api.h"
#include "core/chat.h"
#include "core/logging.h"
#include "core/work_pool.h"

namespace storybot::slack {

class SlackSender : public ReplySender {
 public:
  // `api` and `logger` must outlive the sender.
  SlackSender(SlackWebApi& api, Logger& logger, std::size_t threads = 4)
      : api_(api), logger_(logger), pool_(threads) {}
  ~SlackSender() override { Stop(); }

  void Send(const OutboundReply& reply, std::function<void(SendResult)> done) override;
  // Finishes queued sends and joins the threads; later sends run on the caller's thread.
  void Stop() { pool_.Stop(); }

  // The blocking send itself (public for tests).
  SendResult SendNow(const OutboundReply& reply);

 private:
  SlackWebApi& api_;
  Logger& logger_;
  WorkPool pool_;  // last: its threads stop before the members they use go away
};

}  // namespace storybot::slack
