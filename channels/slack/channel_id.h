#pragma once
// The slack channel's identity: the value of InboundMessage::channel for its messages.
#include "core/channel_id.h"

namespace storybot::slack {

inline constexpr ChannelId kChannelId{"slack"};

}  // namespace storybot::slack
