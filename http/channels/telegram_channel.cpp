// Placeholder: the telegram channel is being written; until then it is off.
#include "http/channels/channel_module.h"

namespace storybot::http {

std::unique_ptr<ChannelModule> MakeTelegramChannel(const ChannelContext&) { return nullptr; }

}  // namespace storybot::http
