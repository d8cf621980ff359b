#include "channels/webhook/story_answer.h"

#include <boost/json.hpp>

namespace storybot::webhook {

boost::json::object StoryAnswer(const std::string& story, const std::string& engine,
                                const std::string& configured_engine,
                                const ConversationRef& conversation) {
  boost::json::object o{{"story", story}};
  o["engine"] = engine.empty() ? configured_engine : engine;
  o["prompt_id"] = conversation.prompt_id ? boost::json::value(conversation.prompt_id) : nullptr;
  o["conversation_id"] = conversation.id ? boost::json::value(conversation.id) : nullptr;
  return o;
}

}  // namespace storybot::webhook
