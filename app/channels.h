#pragma once
// The channels storybot can run, one line each (app/channels.cpp). Adding a channel: its folder
// under channels/ (see channels/channel_module.h) and its line there.
#include <vector>

#include "channels/channel_module.h"

namespace storybot {

const std::vector<channels::ChannelRegistration>& KnownChannels();

}  // namespace storybot
