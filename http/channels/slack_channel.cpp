// Placeholder: the slack channel is being written; until then it is off.
#include "http/channels/channel_module.h"

namespace storybot::http {

std::unique_ptr<ChannelModule> MakeSlackChannel(const ChannelContext&) { return nullptr; }

}  // namespace storybot::http
