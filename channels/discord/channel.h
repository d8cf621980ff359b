#pragma once
// The discord channel's one export: its factory (nullptr when the channel is off).
#include <memory>

#include "channels/channel_module.h"

namespace storybot::discord {

std::unique_ptr<channels::ChannelModule> MakeChannel(const channels::ChannelContext& context);

}  // namespace storybot::discord
