#pragma once
// The telegram channel's identity: the value of InboundMessage::channel for its messages.
#include "core/channel_id.h"

namespace storybot::telegram {

inline constexpr ChannelId kChannelId{"telegram"};

}  // namespace storybot::telegram
