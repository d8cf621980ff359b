#include "app/channels.h"

#include "channels/discord/channel.h"
#include "channels/discord/channel_id.h"
#include "channels/discord/settings.h"
#include "channels/slack/channel.h"
#include "channels/slack/channel_id.h"
#include "channels/slack/settings.h"
#include "channels/telegram/channel.h"
#include "channels/telegram/channel_id.h"
#include "channels/telegram/settings.h"
#include "channels/webhook/channel.h"
#include "channels/webhook/channel_id.h"
#include "channels/webhook/settings.h"

namespace storybot {

const std::vector<channels::ChannelRegistration>& KnownChannels() {
  static const std::vector<channels::ChannelRegistration> known{
      {telegram::kChannelId, telegram::SettingsRows, telegram::MakeChannel},
      {slack::kChannelId, slack::SettingsRows, slack::MakeChannel},
      {webhook::kChannelId, webhook::SettingsRows, webhook::MakeChannel},
      {discord::kChannelId, discord::SettingsRows, discord::MakeChannel},
  };
  return known;
}

std::vector<const SettingsTable*> ChannelSettings() {
  std::vector<const SettingsTable*> tables;
  for (const channels::ChannelRegistration& known : KnownChannels()) {
    tables.push_back(&known.settings());
  }
  return tables;
}

}  // namespace storybot
