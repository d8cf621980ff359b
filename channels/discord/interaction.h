#pragma once
// Interactions Discord POSTs to /discord/interactions ("Receiving and Responding"): a PING when
// the endpoint is set up, an APPLICATION_COMMAND for each slash command, and the channel-neutral
// message a command becomes.
//
// Chats: one conversation per Discord channel (or DM), so /continue goes on with the story told
// there; the user's display name and locale personalise the story.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/chat.h"
#include "core/result.h"

namespace storybot::discord {

enum class InteractionType {
  kPing,                // type 1: answered {"type":1}
  kApplicationCommand,  // type 2: a slash command
  kOther,               // components, autocomplete, modals: storybot registers none
};

struct Interaction {
  InteractionType type = InteractionType::kOther;
  int raw_type = 0;
  std::string id;              // unique per interaction: the delivery's dedupe key
  std::string application_id;  // with `token`, addresses the response webhook
  std::string token;           // valid 15 minutes; a credential, never logged
  std::string command;         // data.name: "story", "continue", …
  std::string theme;           // /story's "theme" option; may be empty
  std::string channel_id;
  std::string user_id;
  std::string user_name;  // global_name, else username
  std::string locale;     // the user's client language ("zh-CN"), else the guild's; may be empty
};

// InvalidArgument for a body that is not a JSON object or lacks `type`; for a command, naming
// the first missing field of id, token, application_id, data.name, the user's id and the
// channel id.
Result<Interaction> ParseInteraction(std::string_view body);

// "interaction:<id>": Discord never sends one id twice, so a replay makes no second job.
std::string DedupeKey(const Interaction& interaction);

// `interaction` must be a kApplicationCommand. `received_unix_ms` starts the token's 15 minutes.
InboundMessage MessageFromCommand(const Interaction& interaction, std::int64_t received_unix_ms,
                                  std::string trace_id);

}  // namespace storybot::discord
