#include "app/channels.h"

#include "channels/slack/channel.h"
#include "channels/slack/channel_id.h"
#include "channels/telegram/channel.h"
#include "channels/telegram/channel_id.h"
#include "channels/webhook/channel.h"
#include "channels/webhook/channel_id.h"

namespace storybot {

const std::vector<channels::ChannelRegistration>& KnownChannels() {
  static const std::vector<channels::ChannelRegistration> known{
      {telegram::kChannelId, telegram::MakeChannel},
      {slack::kChannelId, slack::MakeChannel},
      {webhook::kChannelId, webhook::MakeChannel},
  };
  return known;
}

}  // namespace storybot
