#include "http/story_api.h"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <random>

#include "core/utf8.h"
#include "http/conversations_api.h"
#include "http/json_body.h"

namespace storybot::http {
namespace {

constexpr std::size_t kMaxRequestCharacters = 2000;
constexpr std::size_t kMaxVariableCharacters = 1000;

// "variables": {"name": "value", …} with string values only.
Result<TemplateVariables> ReadVariables(const boost::json::object& body) {
  TemplateVariables variables;
  const auto* v = body.if_contains("variables");
  if (v == nullptr) return variables;
  if (!v->is_object()) return InvalidArgument("variables: must be an object of strings");
  for (const auto& [key, value] : v->as_object()) {
    if (!value.is_string()) {
      return InvalidArgument("variables." + std::string(key) + ": must be a string");
    }
    if (utf8::CodePointCount(value.as_string()) > kMaxVariableCharacters) {
      return InvalidArgument("variables." + std::string(key) + ": must be at most 1000 characters");
    }
    variables[std::string(key)] = std::string(value.as_string());
  }
  return variables;
}

void Preview(const ExchangePtr& ex, StoryApiDeps& deps) {
  auto body = ReadJsonObject(ex, {"request", "prompt_id", "variables"});
  if (!body) return;
  auto request = OptionalString(*body, "request");
  if (!request.ok()) return ReplyError(ex, request.error());
  const std::string text = request.value().value_or("");
  if (utf8::CodePointCount(text) > kMaxRequestCharacters) {
    return ReplyError(ex, InvalidArgument("request: must be at most 2000 characters"));
  }
  auto prompt_id = OptionalInt(*body, "prompt_id");
  if (!prompt_id.ok()) return ReplyError(ex, prompt_id.error());
  auto variables = ReadVariables(*body);
  if (!variables.ok()) return ReplyError(ex, variables.error());
  auto snapshot = deps.prompts.List();
  if (!snapshot.ok()) return ReplyError(ex, snapshot.error());

  const Prompt* prompt = nullptr;
  std::string story_request = text;
  if (prompt_id.value()) {
    for (const Prompt& p : snapshot.value()->prompts) {
      if (p.id == *prompt_id.value()) prompt = &p;
    }
    if (prompt == nullptr) {
      return ReplyError(
          ex, NotFound("prompt " + std::to_string(*prompt_id.value()) + " does not exist"));
    }
  } else {
    prompt = ChoosePrompt(snapshot.value()->prompts, text, story_request);
  }
  TemplateVariables vars = std::move(variables).value();
  const std::string user_name = vars.contains("user_name") ? vars["user_name"] : "";
  const std::string hint = vars.contains("language") ? vars["language"] : "";
  const Language language = DetectLanguage(story_request.empty() ? text : story_request, hint);
  vars.erase("user_name");
  vars.erase("request");
  thread_local std::mt19937_64 random{std::random_device{}()};
  StoryRequest story = BuildStoryRequest(prompt, story_request, user_name, language, "preview",
                                         vars, deps.engine, random());
  story.trace_id = ex->trace_id;
  const std::int64_t chosen = prompt != nullptr ? prompt->id : 0;
  deps.story_writer.Generate(std::move(story), [ex, chosen](Result<Story> written) {
    if (!written.ok()) return ReplyError(ex, written.error());
    boost::json::object out{{"story", written.value().text}, {"engine", written.value().engine}};
    if (chosen != 0) {
      out["prompt_id"] = chosen;
    } else {
      out["prompt_id"] = nullptr;
    }
    out["truncated"] = written.value().truncated;
    ex->Reply(JsonResponse(200, boost::json::serialize(out)));
  });
}

void Stats(const ExchangePtr& ex, StoryApiDeps& deps) {
  deps.pool.Post([ex, &deps] {
    auto stats = deps.chats.Stats();
    auto prompts = deps.prompts.List();
    if (!stats.ok()) return ReplyError(ex, stats.error());
    if (!prompts.ok()) return ReplyError(ex, prompts.error());
    std::int64_t enabled = 0;
    for (const Prompt& p : prompts.value()->prompts) enabled += p.enabled ? 1 : 0;
    boost::json::object by_channel;
    std::int64_t messages = 0;
    for (const auto& [channel, count] : stats.value().messages_by_channel) {
      by_channel[channel] = count;
      messages += count;
    }
    boost::json::array channels;
    for (const std::string& name : deps.channels) channels.emplace_back(name);
    boost::json::object body{
        {"channels", std::move(channels)},
        {"prompts", static_cast<std::int64_t>(prompts.value()->prompts.size())},
        {"prompts_enabled", enabled},
        {"conversations", stats.value().conversations},
        {"messages", messages},
        {"messages_by_channel", std::move(by_channel)},
        {"jobs",
         {{"pending", stats.value().jobs_pending},
          {"failed", stats.value().jobs_dead + stats.value().jobs_failed},
          {"dead", stats.value().jobs_dead},
          {"done", stats.value().jobs_done}}}};
    if (deps.budget != nullptr) {
      const TokenBudget::State budget = deps.budget->Now();
      body["llm_budget"] = boost::json::object{{"daily_tokens", budget.limit},
                                               {"used_today", budget.used_today},
                                               {"spent", budget.spent}};
    }
    ex->Reply(JsonResponse(200, boost::json::serialize(body)));
  });
}

}  // namespace

void AddStoryRoutes(Router& router, StoryApiDeps deps) {
  auto shared = std::make_shared<StoryApiDeps>(std::move(deps));
  router.Add("POST", "/api/stories/preview", Auth::kAdminRead,  // changes nothing: viewers too
             [shared](const ExchangePtr& ex) { Preview(ex, *shared); });
  AddConversationRoutes(router, shared->chats, shared->pool, shared->known_channels);
  router.Add("GET", "/api/stats", Auth::kAdmin,
             [shared](const ExchangePtr& ex) { Stats(ex, *shared); });
}

}  // namespace storybot::http
