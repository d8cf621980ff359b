#pragma once
// A channel's identity as messages, stores and metrics carry it. core/ knows the type, never a
// value: each channel defines its one constant in channels/<name>/channel_id.h, and the parser
// that builds its messages, its module and the job runner's sender lookup all use that constant,
// so "go to definition" leads from a stored message to the code that answers it.
#include <string>
#include <string_view>

namespace storybot {

class ChannelId {
 public:
  constexpr explicit ChannelId(std::string_view name) : name_(name) {}
  constexpr std::string_view name() const { return name_; }
  std::string str() const { return std::string(name_); }
  friend constexpr bool operator==(ChannelId a, ChannelId b) { return a.name_ == b.name_; }

 private:
  std::string_view name_;  // a string literal: lives for the program
};

}  // namespace storybot
