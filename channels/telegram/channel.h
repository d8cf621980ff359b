#pragma once
// The telegram channel's one export: its factory (nullptr when the channel is off).
#include <memory>

#include "channels/channel_module.h"

namespace storybot::telegram {

std::unique_ptr<channels::ChannelModule> MakeChannel(const channels::ChannelContext& context);

}  // namespace storybot::telegram
