#include "core/config.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;  // POSIX

namespace storybot {
namespace {

constexpr std::string_view kEnvPrefix = "STORYBOT_";

enum class Kind { kString, kInt, kList };

// One setting: where it comes from, how it is parsed and validated, how it is shown.
struct Setting {
  std::string_view env;  // suffix after STORYBOT_
  std::string_view key;  // dotted JSON key
  Kind kind;
  bool secret;
  std::string_view doc;
  std::function<Status(Config&, std::string_view)> set;
  std::function<boost::json::value(const Config&)> get;
};

Result<long> ParseInt(std::string_view text, long min, long max) {
  long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return InvalidArgument("must be an integer in " + std::to_string(min) + ".." +
                           std::to_string(max));
  }
  return value;
}

Status CheckUrl(std::string_view url, bool allow_empty) {
  if (url.empty() && allow_empty) return {};
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    return InvalidArgument("must be an http:// or https:// URL");
  }
  if (url.size() <= 8 || url.find_first_of(" \t\r\n") != std::string_view::npos) {
    return InvalidArgument("must be an http:// or https:// URL");
  }
  return {};
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view item = text.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) items.emplace_back(item);
    start = comma + 1;
  }
  return items;
}

// Helpers that build settings of the common shapes from an accessor of the field.
Setting StringSetting(std::string_view env, std::string_view key, bool secret, std::string_view doc,
                      std::function<std::string&(Config&)> field,
                      std::function<Status(std::string_view)> check = nullptr) {
  return Setting{env,
                 key,
                 Kind::kString,
                 secret,
                 doc,
                 [field, check](Config& c, std::string_view v) -> Status {
                   if (check) {
                     Status s = check(v);
                     if (!s.ok()) return s;
                   }
                   field(c) = std::string(v);
                   return {};
                 },
                 [field](const Config& c) -> boost::json::value {
                   Config copy = c;  // accessors are non-const; describing is rare
                   return boost::json::value(field(copy));
                 }};
}

Setting IntSetting(std::string_view env, std::string_view key, std::string_view doc,
                   std::function<int&(Config&)> field, long min, long max) {
  return Setting{env,
                 key,
                 Kind::kInt,
                 false,
                 doc,
                 [field, min, max](Config& c, std::string_view v) -> Status {
                   Result<long> parsed = ParseInt(v, min, max);
                   if (!parsed.ok()) return parsed.error();
                   field(c) = static_cast<int>(parsed.value());
                   return {};
                 },
                 [field](const Config& c) -> boost::json::value {
                   Config copy = c;
                   return field(copy);
                 }};
}

Status OneOf(std::string_view v, std::initializer_list<std::string_view> allowed) {
  if (std::find(allowed.begin(), allowed.end(), v) != allowed.end()) return {};
  std::string list;
  for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  return InvalidArgument("must be one of " + list);
}

Status CheckOrigin(std::string_view origin) {
  Status url = CheckUrl(origin, false);
  if (!url.ok()) return InvalidArgument("each origin must look like http://host:port");
  const std::size_t scheme_end = origin.find("://") + 3;
  if (origin.find('/', scheme_end) != std::string_view::npos) {
    return InvalidArgument("an origin has no path: '" + std::string(origin) + "'");
  }
  return {};
}

Status CheckWebhookSecret(std::string_view v) {
  if (v.empty()) return {};
  const bool ok = v.size() <= 256 && std::all_of(v.begin(), v.end(), [](char c) {
                    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                           (c >= '0' && c <= '9') || c == '_' || c == '-';
                  });
  if (!ok) return InvalidArgument("must be 1-256 characters of A-Z a-z 0-9 _ -");
  return {};
}

const std::vector<Setting>& Settings() {
  static const std::vector<Setting> settings = {
      StringSetting(
          "HTTP_HOST", "http.host", false, "listen address",
          [](Config& c) -> std::string& { return c.http.host; },
          [](std::string_view v) -> Status {
            if (v.empty()) return InvalidArgument("must not be empty");
            return {};
          }),
      IntSetting(
          "HTTP_PORT", "http.port", "listen port; 0 picks a free one",
          [](Config& c) -> int& { return c.http.port; }, 0, 65535),
      IntSetting(
          "HTTP_THREADS", "http.threads", "I/O threads; 0 means the number of cores",
          [](Config& c) -> int& { return c.http.threads; }, 0, 256),
      StringSetting(
          "DATA_DIR", "data.dir", false, "holds storybot.db (SQLite) and the generated admin token",
          [](Config& c) -> std::string& { return c.data_dir; },
          [](std::string_view v) -> Status {
            if (v.empty()) return InvalidArgument("must not be empty");
            return {};
          }),
      StringSetting(
          "LOG_DIR", "log.dir", false, "holds storybot.ndjson (ECS JSON lines, rotated)",
          [](Config& c) -> std::string& { return c.log_dir; },
          [](std::string_view v) -> Status {
            if (v.empty()) return InvalidArgument("must not be empty");
            return {};
          }),
      StringSetting(
          "LOG_LEVEL", "log.level", false, "trace, debug, info, warn or error",
          [](Config& c) -> std::string& { return c.log_level; },
          [](std::string_view v) {
            return OneOf(v, {"trace", "debug", "info", "warn", "error"});
          }),
      StringSetting("ADMIN_TOKEN", "admin.token", true,
                    "admin bearer token; empty: generated on first start and kept in the data dir",
                    [](Config& c) -> std::string& { return c.admin_token; }),
      Setting{"CORS_ORIGINS", "cors.origins", Kind::kList, false,
              "browser origins allowed to call the admin API (comma-separated in the environment)",
              [](Config& c, std::string_view v) -> Status {
                std::vector<std::string> origins = SplitList(v);
                for (const std::string& o : origins) {
                  Status s = CheckOrigin(o);
                  if (!s.ok()) return s;
                }
                c.cors_origins = std::move(origins);
                return {};
              },
              [](const Config& c) -> boost::json::value {
                boost::json::array a;
                for (const auto& o : c.cors_origins) a.emplace_back(o);
                return a;
              }},
      StringSetting("ADMIN_WEB_DIR", "admin.web_dir", false,
                    "the built admin panel, served at /admin/",
                    [](Config& c) -> std::string& { return c.admin_web_dir; }),
      StringSetting(
          "LLM_BASE_URL", "llm.base_url", false,
          "OpenAI-compatible base URL, e.g. http://127.0.0.1:11434/v1; empty: the "
          "offline storyteller",
          [](Config& c) -> std::string& { return c.llm.base_url; },
          [](std::string_view v) { return CheckUrl(v, true); }),
      StringSetting("LLM_API_KEY", "llm.api_key", true, "bearer key for the LLM server",
                    [](Config& c) -> std::string& { return c.llm.api_key; }),
      StringSetting("LLM_MODEL", "llm.model", false, "model name sent to the LLM server",
                    [](Config& c) -> std::string& { return c.llm.model; }),
      IntSetting(
          "LLM_TIMEOUT_S", "llm.timeout_s", "seconds per LLM request",
          [](Config& c) -> int& { return c.llm.timeout_s; }, 1, 600),
      IntSetting(
          "LLM_MAX_RETRIES", "llm.max_retries",
          "retries of a failed LLM call (408, 409, 429, 5xx, network) before the fallback",
          [](Config& c) -> int& { return c.llm.max_retries; }, 0, 10),
      IntSetting(
          "LLM_MAX_TOKENS", "llm.max_tokens", "max_tokens sent with each story request",
          [](Config& c) -> int& { return c.llm.max_tokens; }, 16, 32000),
      StringSetting("STORY_SYSTEM_PROMPT", "story.system_prompt", false,
                    "instructions for the LLM; {language} becomes English or Chinese; empty: the "
                    "built-in ones (length, child-safe, the user's language)",
                    [](Config& c) -> std::string& { return c.story_system_prompt; }),
      IntSetting(
          "WORKERS", "workers", "story jobs in flight at once (LLM concurrency)",
          [](Config& c) -> int& { return c.workers; }, 1, 10000),
      StringSetting("TELEGRAM_BOT_TOKEN", "telegram.bot_token", true,
                    "Telegram bot token; empty: Telegram adapter off",
                    [](Config& c) -> std::string& { return c.telegram.bot_token; }),
      StringSetting(
          "TELEGRAM_MODE", "telegram.mode", false, "webhook or polling",
          [](Config& c) -> std::string& { return c.telegram.mode; },
          [](std::string_view v) {
            return OneOf(v, {"webhook", "polling"});
          }),
      StringSetting(
          "TELEGRAM_WEBHOOK_SECRET", "telegram.webhook_secret", true,
          "required in webhook mode: 1-256 of A-Za-z0-9_-",
          [](Config& c) -> std::string& { return c.telegram.webhook_secret; }, CheckWebhookSecret),
      StringSetting(
          "TELEGRAM_API_URL", "telegram.api_url", false,
          "Bot API base; calls go to {base}/bot{token}/{method}",
          [](Config& c) -> std::string& { return c.telegram.api_url; },
          [](std::string_view v) { return CheckUrl(v, false); }),
      StringSetting(
          "TELEGRAM_WEBHOOK_URL", "telegram.webhook_url", false,
          "public https URL of POST /telegram/webhook; when set, storybot registers it "
          "with setWebhook (and the secret token) at start",
          [](Config& c) -> std::string& { return c.telegram.webhook_url; },
          [](std::string_view v) -> Status {
            if (v.empty()) return {};
            if (!v.starts_with("https://") || !CheckUrl(v, false).ok()) {
              return InvalidArgument(
                  "must be an https:// URL: Telegram delivers webhooks over HTTPS only (put "
                  "deploy/nginx/storybot.conf with a certificate in front), or use "
                  "telegram.mode polling");
            }
            return {};
          }),
      StringSetting(
          "TELEGRAM_PARSE_MODE", "telegram.parse_mode", false,
          "plain (default) or MarkdownV2 (replies are escaped so they show as written)",
          [](Config& c) -> std::string& { return c.telegram.parse_mode; },
          [](std::string_view v) {
            return OneOf(v, {"plain", "MarkdownV2"});
          }),
      StringSetting("SLACK_SIGNING_SECRET", "slack.signing_secret", true,
                    "Slack signing secret; empty: Slack adapter off",
                    [](Config& c) -> std::string& { return c.slack.signing_secret; }),
      StringSetting("SLACK_BOT_TOKEN", "slack.bot_token", true,
                    "xoxb-... token for chat.postMessage",
                    [](Config& c) -> std::string& { return c.slack.bot_token; }),
      StringSetting(
          "SLACK_API_URL", "slack.api_url", false, "Slack Web API base",
          [](Config& c) -> std::string& { return c.slack.api_url; },
          [](std::string_view v) { return CheckUrl(v, false); }),
      IntSetting(
          "WEBHOOK_SYNC_TIMEOUT_S", "webhook.sync_timeout_s",
          "seconds POST /webhooks/{integration} waits for the story before answering 202",
          [](Config& c) -> int& { return c.webhook.sync_timeout_s; }, 0, 300),
      IntSetting(
          "WEBHOOK_CALLBACK_RETRY_S", "webhook.callback_retry_s",
          "seconds a failing webhook callback is retried (exponential backoff)",
          [](Config& c) -> int& { return c.webhook.callback_retry_s; }, 1, 7 * 24 * 3600),
  };
  return settings;
}

std::string EnvName(const Setting& s) { return std::string(kEnvPrefix) + std::string(s.env); }

Error Named(const Setting& s, const Error& e) {
  return InvalidArgument(std::string(s.key) + ": " + e.message + " (" + EnvName(s) + ")");
}

// JSON value → the string form the setter parses, checking the JSON type first.
Result<std::string> JsonToText(const Setting& s, const boost::json::value& v) {
  switch (s.kind) {
    case Kind::kString:
      if (!v.is_string()) return InvalidArgument("must be a string");
      return std::string(v.as_string());
    case Kind::kInt:
      if (!v.is_int64() && !v.is_uint64()) return InvalidArgument("must be an integer");
      return boost::json::serialize(v);
    case Kind::kList: {
      if (v.is_string()) return std::string(v.as_string());
      if (!v.is_array()) return InvalidArgument("must be an array of strings");
      std::string joined;
      for (const auto& item : v.as_array()) {
        if (!item.is_string()) return InvalidArgument("must be an array of strings");
        joined += std::string(item.as_string()) + ",";
      }
      return joined;
    }
  }
  return InvalidArgument("unsupported value");
}

const Setting* FindByKey(std::string_view key) {
  for (const Setting& s : Settings()) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

// Walks the JSON object, applying known keys and rejecting unknown ones. "_doc" keys are comments.
Status ApplyJson(Config& config, const boost::json::object& object, const std::string& prefix) {
  for (const auto& [name, value] : object) {
    if (name == "_doc" || name.starts_with("_doc_")) continue;
    const std::string key = prefix.empty() ? std::string(name) : prefix + "." + std::string(name);
    if (const Setting* s = FindByKey(key)) {
      Result<std::string> text = JsonToText(*s, value);
      if (!text.ok()) return Named(*s, text.error());
      Status status = s->set(config, text.value());
      if (!status.ok()) return Named(*s, status.error());
      continue;
    }
    const bool is_section =
        std::any_of(Settings().begin(), Settings().end(),
                    [&](const Setting& s) { return s.key.starts_with(key + "."); });
    if (is_section && value.is_object()) {
      Status status = ApplyJson(config, value.as_object(), key);
      if (!status.ok()) return status;
      continue;
    }
    return InvalidArgument("unknown config key '" + key + "'");
  }
  return {};
}

Status ApplyFile(Config& config, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("cannot read config file " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  boost::system::error_code ec;
  boost::json::value root = boost::json::parse(buffer.str(), ec);
  if (ec) return InvalidArgument("config file " + path + " is not valid JSON: " + ec.message());
  if (!root.is_object()) return InvalidArgument("config file " + path + " must hold a JSON object");
  Status status = ApplyJson(config, root.as_object(), "");
  if (!status.ok()) return InvalidArgument(path + ": " + status.error().message);
  return {};
}

// Levenshtein distance, byte-wise (variable names are ASCII).
std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::vector<std::string> SplitWords(std::string_view name) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t end = name.find('_', start);
    if (end == std::string_view::npos) end = name.size();
    if (end > start) words.emplace_back(name.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

Status ApplyEnv(Config& config, const ConfigSources& sources, std::vector<std::string>* warnings) {
  for (const std::string& name : sources.env_names) {
    if (!name.starts_with(kEnvPrefix)) continue;
    const bool known = std::any_of(Settings().begin(), Settings().end(),
                                   [&](const Setting& s) { return EnvName(s) == name; });
    if (!known && warnings != nullptr) {
      std::string warning = "unknown environment variable " + name + " is ignored";
      const std::string suggestion = ClosestEnvName(name);
      if (!suggestion.empty()) warning += "; did you mean " + suggestion + "?";
      warnings->push_back(std::move(warning));
    }
  }
  for (const Setting& s : Settings()) {
    std::string value;
    if (!sources.env(EnvName(s), value)) continue;
    Status status = s.set(config, value);
    if (!status.ok()) return Named(s, status.error());
  }
  return {};
}

Status CheckCombination(const Config& config) {
  if (!config.telegram.bot_token.empty() && config.telegram.mode == "webhook" &&
      config.telegram.webhook_secret.empty()) {
    return InvalidArgument(
        "telegram.webhook_secret: required when telegram.bot_token is set in webhook mode "
        "(STORYBOT_TELEGRAM_WEBHOOK_SECRET)");
  }
  return {};
}

void PrettyPrint(const boost::json::value& value, int depth, std::string& out) {
  const std::string indent(static_cast<std::size_t>(depth + 1) * 2, ' ');
  if (value.is_object() && !value.as_object().empty()) {
    out += "{\n";
    bool first = true;
    for (const auto& [key, item] : value.as_object()) {
      out +=
          (first ? "" : ",\n") + indent + boost::json::serialize(boost::json::string(key)) + ": ";
      PrettyPrint(item, depth + 1, out);
      first = false;
    }
    out += "\n" + std::string(static_cast<std::size_t>(depth) * 2, ' ') + "}";
    return;
  }
  out += boost::json::serialize(value);
}

}  // namespace

EnvLookup ProcessEnv() {
  return [](const std::string& name, std::string& value) {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return false;
    value = v;
    return true;
  };
}

std::vector<std::string> ProcessEnvNames(std::string_view prefix) {
  std::vector<std::string> names;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    if (!entry.starts_with(prefix)) continue;
    names.emplace_back(entry.substr(0, entry.find('=')));
  }
  return names;
}

Result<Config> LoadConfig(const ConfigSources& sources, std::vector<std::string>* warnings) {
  Config config;
  if (!sources.file_path.empty()) {
    Status status = ApplyFile(config, sources.file_path);
    if (!status.ok()) return status.error();
  }
  if (sources.env) {
    Status status = ApplyEnv(config, sources, warnings);
    if (!status.ok()) return status.error();
  }
  Status status = CheckCombination(config);
  if (!status.ok()) return status.error();
  if (config.http.threads == 0) {
    config.http.threads = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  }
  return config;
}

std::string DescribeConfig(const Config& config) {
  boost::json::object root;
  for (const Setting& s : Settings()) {
    boost::json::value value = s.get(config);
    if (s.secret && value.is_string() && !value.as_string().empty()) value = "***";
    boost::json::object* node = &root;
    std::string_view key = s.key;
    for (std::size_t dot = key.find('.'); dot != std::string_view::npos; dot = key.find('.')) {
      const std::string section(key.substr(0, dot));
      if (!node->contains(section)) (*node)[section] = boost::json::object();
      node = &(*node)[section].as_object();
      key.remove_prefix(dot + 1);
    }
    (*node)[key] = std::move(value);
  }
  std::string out;
  PrettyPrint(root, 0, out);
  return out + "\n";
}

std::string ClosestEnvName(std::string_view name) {
  if (!name.starts_with(kEnvPrefix)) return {};
  const std::string_view suffix = name.substr(kEnvPrefix.size());
  if (suffix.empty()) return {};
  // A left-out word (STORYBOT_PORT for STORYBOT_HTTP_PORT, STORYBOT_TELEGRAM_TOKEN for
  // STORYBOT_TELEGRAM_BOT_TOKEN) is the likeliest slip: every word given, in order, fewest extra.
  const std::vector<std::string> given = SplitWords(suffix);
  const Setting* fewest = nullptr;
  for (const Setting& s : Settings()) {
    const std::vector<std::string> words = SplitWords(s.env);
    std::size_t matched = 0;
    for (const std::string& w : words) matched += matched < given.size() && w == given[matched];
    if (matched == given.size() && (fewest == nullptr || s.env.size() < fewest->env.size())) {
      fewest = &s;
    }
  }
  if (fewest != nullptr) return EnvName(*fewest);
  const Setting* best = nullptr;
  std::size_t best_distance = 0;
  for (const Setting& s : Settings()) {
    const std::size_t d = EditDistance(suffix, s.env);
    if (best == nullptr || d < best_distance) {
      best = &s;
      best_distance = d;
    }
  }
  if (best == nullptr) return {};
  // Far-off names (another tool's STORYBOT_BIN) get no suggestion rather than a silly one.
  const std::size_t limit = std::max<std::size_t>(2, std::max(suffix.size(), best->env.size()) / 3);
  return best_distance <= limit ? EnvName(*best) : std::string();
}

std::vector<SettingInfo> ListSettings() {
  std::vector<SettingInfo> out;
  for (const Setting& s : Settings()) {
    out.push_back({EnvName(s), std::string(s.key), s.secret, std::string(s.doc)});
  }
  return out;
}

}  // namespace storybot
