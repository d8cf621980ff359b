#pragma once
// The slack channel's one export: its factory (nullptr when the channel is off).
#include <memory>

#include "channels/channel_module.h"

namespace storybot::slack {

std::unique_ptr<channels::ChannelModule> MakeChannel(const channels::ChannelContext& context);

}  // namespace storybot::slack
