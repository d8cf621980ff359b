#pragma once
// Configuration: built-in defaults < JSON file (--config) < STORYBOT_* environment.
// Settings are declared in tables of rows (env name, file key, default, secret, check, help):
// core's own table here (core/config.cpp), and one per channel in channels/<name>/settings.cpp,
// handed in by the application (app/channels.cpp). Loaded and validated once at start; after that
// a Config is a plain immutable value.
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace storybot {

enum class SettingKind { kString, kInt, kList };

// Checks one value in its text form (as given in the environment); null accepts anything.
using SettingCheck = std::function<Status(std::string_view value)>;

// One setting. The text forms are what the environment holds: ints in decimal, lists
// comma-separated; in the JSON file they are a string, an integer, an array of strings.
struct SettingRow {
  std::string env;  // suffix after STORYBOT_: "HTTP_PORT"
  std::string key;  // dotted JSON file key: "http.port"
  SettingKind kind = SettingKind::kString;
  std::string default_value;  // text form
  bool secret = false;        // masked in --check-config and in every log line
  SettingCheck check;
  std::string doc;  // --help and the README table
};

// Builders for the usual rows.
SettingRow StringRow(std::string env, std::string key, std::string default_value, std::string doc,
                     SettingCheck check = nullptr);
SettingRow SecretRow(std::string env, std::string key, std::string doc,
                     SettingCheck check = nullptr);
SettingRow IntRow(std::string env, std::string key, long default_value, long min, long max,
                  std::string doc);
SettingRow ListRow(std::string env, std::string key, std::string default_value, std::string doc,
                   SettingCheck check_each = nullptr);

// Checks for rows.
Status CheckNotEmpty(std::string_view value);
Status CheckUrl(std::string_view url, bool allow_empty);
Status CheckOneOf(std::string_view value, std::initializer_list<std::string_view> allowed);

// The effective value of every setting of every table, by file key, in text form (validated).
// Reading a key no table declares is a programming error and throws std::out_of_range.
class ConfigValues {
 public:
  const std::string& Text(const std::string& key) const { return values_.at(key); }
  int Int(const std::string& key) const;
  std::vector<std::string> List(const std::string& key) const;
  void Set(const std::string& key, std::string text) { values_[key] = std::move(text); }

 private:
  std::map<std::string, std::string> values_;
};

// A section of the settings: its rows, and the checks that span several of them (run after every
// row is loaded; an error names the setting, e.g. "telegram.webhook_secret: ... (STORYBOT_...)").
struct SettingsTable {
  std::vector<SettingRow> rows;
  std::function<Status(const ConfigValues&)> check;
};

// Core's own settings: server, storage, logs, admin, LLM, workers.
const SettingsTable& CoreSettings();

struct Config {
  struct Http {
    std::string host;
    int port = 0;
    int threads = 0;  // the number of cores when configured as 0
  } http;
  std::string data_dir;
  std::string log_dir;
  std::string log_level;
  std::string admin_token;  // empty: generated on first start and kept in data_dir
  std::vector<std::string> cors_origins;
  std::string admin_web_dir;
  struct Llm {
    std::string base_url;  // empty: the offline storyteller
    std::string api_key;
    std::string model;
    int timeout_s = 0;
    int max_retries = 0;
    int max_tokens = 0;
  } llm;
  std::string story_system_prompt;  // empty: the built-in instructions
  int workers = 0;
  bool streaming = true;        // previews of stories being written (STORYBOT_STREAMING)
  int stream_interval_ms = 0;   // at most one preview update per this many ms

  // Every table that was loaded (core's first) and every setting's value: a channel reads its own
  // from here (channels/<name>/settings.h).
  std::vector<const SettingsTable*> tables;
  ConfigValues values;
};

// Reads one environment variable; injectable so tests need not touch the real environment.
// Returns false when the variable is unset.
using EnvLookup = std::function<bool(const std::string& name, std::string& value)>;
// The process environment, and the names of all its STORYBOT_* variables.
EnvLookup ProcessEnv();
std::vector<std::string> ProcessEnvNames(std::string_view prefix);

struct ConfigSources {
  std::string file_path;               // empty: no file
  EnvLookup env;                       // required
  std::vector<std::string> env_names;  // names present, used to reject unknown STORYBOT_* variables
  // The channels' settings, besides core's own (app/channels.cpp: ChannelSettings()).
  std::vector<const SettingsTable*> tables;
};

// Builds the effective config. Unknown file keys and invalid values are errors that name the key
// (e.g. "http.port: must be an integer in 0..65535 (STORYBOT_HTTP_PORT)"). Unknown STORYBOT_*
// environment variables only add a line to `warnings` (when given): the environment is shared
// with other tools (test runners set STORYBOT_BIN, say), so failing there would be hostile.
Result<Config> LoadConfig(const ConfigSources& sources,
                          std::vector<std::string>* warnings = nullptr);

// The effective config as pretty JSON with every secret shown as "***" (empty secrets stay "").
std::string DescribeConfig(const Config& config);

// The non-empty values of every setting whose row says secret: what the logger must mask.
std::vector<std::string> SecretValues(const Config& config);

// Every setting: its environment variable, JSON key, whether it is secret, and what it means.
struct SettingInfo {
  std::string env_name;  // STORYBOT_HTTP_PORT
  std::string json_key;  // http.port
  bool secret;
  std::string doc;
};
// Core's settings, then those of `channel_tables`, in order.
std::vector<SettingInfo> ListSettings(const std::vector<const SettingsTable*>& channel_tables);

// The real STORYBOT_* variable closest to `name` (a missing section prefix, else the smallest
// edit distance, if it is small), or empty when none is close.
std::string ClosestEnvName(std::string_view name,
                           const std::vector<const SettingsTable*>& channel_tables);

}  // namespace storybot
