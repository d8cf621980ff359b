#pragma once
// Config sources for unit tests: a map instead of the process environment, an optional file,
// and the channel tables to load besides core's.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/config.h"

namespace storybot::test {

inline ConfigSources FromEnv(std::map<std::string, std::string> env, std::string file = "",
                             std::vector<const SettingsTable*> tables = {}) {
  ConfigSources sources;
  sources.file_path = std::move(file);
  sources.tables = std::move(tables);
  for (const auto& [name, value] : env) sources.env_names.push_back(name);
  sources.env = [env](const std::string& name, std::string& value) {
    auto it = env.find(name);
    if (it == env.end()) return false;
    value = it->second;
    return true;
  };
  return sources;
}

}  // namespace storybot::test
