#pragma once
// The channels storybot can run, one line each (app/channels.cpp). Adding a channel: its folder
// under channels/ (see channels/channel_module.h) and its line there.
#include <vector>

#include "channels/channel_module.h"
#include "core/config.h"

namespace storybot {

const std::vector<channels::ChannelRegistration>& KnownChannels();

// Every known channel's settings table, in KnownChannels() order: for LoadConfig (sources.tables),
// ListSettings and ClosestEnvName.
std::vector<const SettingsTable*> ChannelSettings();

}  // namespace storybot
