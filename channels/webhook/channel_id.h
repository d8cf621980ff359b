#pragma once
// The webhook channel's identity: the value of InboundMessage::channel for its messages.
#include "core/channel_id.h"

namespace storybot::webhook {

inline constexpr ChannelId kChannelId{"webhook"};

}  // namespace storybot::webhook
