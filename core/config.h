#pragma once
// Typed configuration: built-in defaults < JSON file (--config) < STORYBOT_* environment.
// Loaded and validated once at start; after that a Config is a plain immutable value.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace storybot {

struct Config {
  struct Http {
    std::string host = "127.0.0.1";
    int port = 8080;
    int threads = 0;  // 0 until loaded: then the number of cores
  } http;
  std::string data_dir = "./data";
  std::string log_dir = "./logs";
  std::string log_level = "info";
  std::string admin_token;  // empty: generated on first start and kept in data_dir
  std::vector<std::string> cors_origins = {"http://localhost:5173"};
  std::string admin_web_dir = "admin-web/dist";
  struct Llm {
    std::string base_url;  // empty: the offline storyteller
    std::string api_key;
    std::string model;
    int timeout_s = 60;
    int max_retries = 2;
    int max_tokens = 800;
  } llm;
  std::string story_system_prompt;  // empty: the built-in instructions
  int workers = 64;
  struct Telegram {
    std::string bot_token;  // empty: adapter off
    std::string mode = "webhook";
    std::string webhook_secret;
    std::string api_url = "https://api.telegram.org";
    std::string webhook_url;           // public URL: when set, setWebhook is called at start
    std::string parse_mode = "plain";  // or "MarkdownV2" (the text is escaped)
  } telegram;
  struct Slack {
    std::string signing_secret;  // empty: adapter off
    std::string bot_token;
    std::string api_url = "https://slack.com/api";
  } slack;
  struct Webhook {
    int sync_timeout_s = 25;              // how long POST /webhooks/{name} waits for the story
    int callback_retry_s = 24 * 60 * 60;  // how long a failing callback is retried
  } webhook;
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
};

// Builds the effective config. Unknown file keys and invalid values are errors that name the key
// (e.g. "http.port: must be an integer in 0..65535 (STORYBOT_HTTP_PORT)"). Unknown STORYBOT_*
// environment variables only add a line to `warnings` (when given): the environment is shared
// with other tools (test runners set STORYBOT_BIN, say), so failing there would be hostile.
Result<Config> LoadConfig(const ConfigSources& sources,
                          std::vector<std::string>* warnings = nullptr);

// The effective config as pretty JSON with every secret shown as "***" (empty secrets stay "").
std::string DescribeConfig(const Config& config);

// Every setting: its environment variable, JSON key, whether it is secret, and what it means.
struct SettingInfo {
  std::string env_name;  // STORYBOT_HTTP_PORT
  std::string json_key;  // http.port
  bool secret;
  std::string doc;
};
std::vector<SettingInfo> ListSettings();

// The real STORYBOT_* variable closest to `name` (a missing section prefix, else the smallest
// edit distance, if it is small), or empty when none is close.
std::string ClosestEnvName(std::string_view name);

}  // namespace storybot
