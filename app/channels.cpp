#include "app/channels.h"

#include "channels/slack/channel.h"
#include "channels/telegram/channel.h"
#include "channels/webhook/channel.h"

namespace storybot {

const std::vector<channels::ChannelFactory>& ChannelFactories() {
  static const std::vector<channels::ChannelFactory> factories{
      telegram::MakeChannel,
      slack::MakeChannel,
      webhook::MakeChannel,
  };
  return factories;
}

}  // namespace storybot
