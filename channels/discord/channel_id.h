#pragma once
// The discord channel's identity: the value of InboundMessage::channel for its messages.
#include "core/channel_id.h"

namespace storybot::discord {

inline constexpr ChannelId kChannelId{"discord"};

}  // namespace storybot::discord
