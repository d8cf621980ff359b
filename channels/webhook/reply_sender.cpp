#include "channels/webhook/reply_sender.h"

#include <boost/json.hpp>

#include "channels/webhook/callback_builder.h"
#include "channels/webhook/channel_id.h"
#include "channels/webhook/reply_context.h"
#include "channels/webhook/story_answer.h"
#include "core/clock.h"

namespace storybot::webhook {

WebhookReplySender::WebhookReplySender(IntegrationStore& store, WaitingRoom& waiting,
                                       CallbackDispatcher& dispatcher, WorkPool& pool,
                                       std::string configured_engine)
    : store_(store),
      waiting_(waiting),
      dispatcher_(dispatcher),
      pool_(pool),
      configured_engine_(std::move(configured_engine)) {}

void WebhookReplySender::Send(const OutboundReply& reply, std::function<void(SendResult)> done) {
  pool_.Post([this, reply, done = std::move(done)]() mutable { SendNow(reply, std::move(done)); });
}

boost::json::object WebhookReplySender::Answer(const std::string& story, const std::string& chat_id,
                                               const std::string& engine) {
  auto conversation = store_.FindConversation(kChannelId.str(), chat_id);
  return StoryAnswer(story, engine, configured_engine_,
                     conversation.ok() ? conversation.value() : ConversationRef{});
}

void WebhookReplySender::SendNow(const OutboundReply& reply, std::function<void(SendResult)> done) {
  const ReplyContext context = ParseReplyContext(reply.reply_context);
  boost::json::object answer = Answer(reply.text, reply.chat_id, reply.engine);
  if (context.callback_url.empty()) {
    waiting_.Answer(reply.delivery_key, boost::json::serialize(answer));
    return done({SendOutcome::kSent, "", 0});
  }
  auto job = store_.FindJobByKey(reply.delivery_key);
  if (!job.ok()) return done({SendOutcome::kRetry, job.error().message, 0});
  CallbackRecord record =
      BuildCallback(reply.delivery_key, context, job.value() ? job.value()->id : 0, answer,
                    NewCallbackMessageId(), NowRfc3339());
  dispatcher_.Enqueue(std::move(record), [done = std::move(done)](Status stored) {
    if (!stored.ok()) return done({SendOutcome::kRetry, stored.error().message, 0});
    done({SendOutcome::kSent, "", 0});
  });
}

void WebhookReplySender::AnswerFromStore(const std::string& delivery_key) {
  auto job = store_.FindJobByKey(delivery_key);
  // A saved reply is final (never rewritten), whether or not its job is marked done yet.
  if (!job.ok() || !job.value() || !job.value()->reply) return;
  waiting_.Answer(delivery_key,
                  boost::json::serialize(Answer(*job.value()->reply, job.value()->chat_id, "")));
}

}  // namespace storybot::webhook
