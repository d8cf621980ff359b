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

Result<long> ParseInt(std::string_view text, long min, long max) {
  long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return InvalidArgument("must be an integer in " + std::to_string(min) + ".." +
                           std::to_string(max));
  }
  return value;
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

Status CheckOrigin(std::string_view origin) {
  Status url = CheckUrl(origin, false);
  if (!url.ok()) return InvalidArgument("each origin must look like http://host:port");
  const std::size_t scheme_end = origin.find("://") + 3;
  if (origin.find('/', scheme_end) != std::string_view::npos) {
    return InvalidArgument("an origin has no path: '" + std::string(origin) + "'");
  }
  return {};
}

// Every table: core's own, then the channels' in the order given.
std::vector<const SettingsTable*> AllTables(const std::vector<const SettingsTable*>& channels) {
  std::vector<const SettingsTable*> all{&CoreSettings()};
  all.insert(all.end(), channels.begin(), channels.end());
  return all;
}

// Calls `visit(row)` for every row of `tables`; stops at the first that returns true.
template <typename Visit>
const SettingRow* FindRow(const std::vector<const SettingsTable*>& tables, Visit visit) {
  for (const SettingsTable* table : tables) {
    for (const SettingRow& row : table->rows) {
      if (visit(row)) return &row;
    }
  }
  return nullptr;
}

std::string EnvName(const SettingRow& s) { return std::string(kEnvPrefix) + s.env; }

Error Named(const SettingRow& s, const Error& e) {
  return InvalidArgument(s.key + ": " + e.message + " (" + EnvName(s) + ")");
}

// Checks `text` against the row and stores it.
Status Apply(ConfigValues& values, const SettingRow& s, std::string text) {
  if (s.check) {
    Status checked = s.check(text);
    if (!checked.ok()) return Named(s, checked.error());
  }
  values.Set(s.key, std::move(text));
  return {};
}

// JSON value → the text form, checking the JSON type first.
Result<std::string> JsonToText(const SettingRow& s, const boost::json::value& v) {
  switch (s.kind) {
    case SettingKind::kString:
      if (!v.is_string()) return InvalidArgument("must be a string");
      return std::string(v.as_string());
    case SettingKind::kInt:
      if (!v.is_int64() && !v.is_uint64()) return InvalidArgument("must be an integer");
      return boost::json::serialize(v);
    case SettingKind::kList: {
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

// Walks the JSON object, applying known keys and rejecting unknown ones. "_doc" keys are comments.
Status ApplyJson(ConfigValues& values, const std::vector<const SettingsTable*>& tables,
                 const boost::json::object& object, const std::string& prefix) {
  for (const auto& [name, value] : object) {
    if (name == "_doc" || name.starts_with("_doc_")) continue;
    const std::string key = prefix.empty() ? std::string(name) : prefix + "." + std::string(name);
    if (const SettingRow* s = FindRow(tables, [&](const SettingRow& r) { return r.key == key; })) {
      Result<std::string> text = JsonToText(*s, value);
      if (!text.ok()) return Named(*s, text.error());
      Status status = Apply(values, *s, std::move(text).value());
      if (!status.ok()) return status;
      continue;
    }
    const bool is_section =
        FindRow(tables, [&](const SettingRow& r) { return r.key.starts_with(key + "."); });
    if (is_section && value.is_object()) {
      Status status = ApplyJson(values, tables, value.as_object(), key);
      if (!status.ok()) return status;
      continue;
    }
    return InvalidArgument("unknown config key '" + key + "'");
  }
  return {};
}

Status ApplyFile(ConfigValues& values, const std::vector<const SettingsTable*>& tables,
                 const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("cannot read config file " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  boost::system::error_code ec;
  boost::json::value root = boost::json::parse(buffer.str(), ec);
  if (ec) return InvalidArgument("config file " + path + " is not valid JSON: " + ec.message());
  if (!root.is_object()) return InvalidArgument("config file " + path + " must hold a JSON object");
  Status status = ApplyJson(values, tables, root.as_object(), "");
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

Status ApplyEnv(ConfigValues& values, const std::vector<const SettingsTable*>& tables,
                const ConfigSources& sources, std::vector<std::string>* warnings) {
  for (const std::string& name : sources.env_names) {
    if (!name.starts_with(kEnvPrefix)) continue;
    const bool known =
        FindRow(tables, [&](const SettingRow& r) { return EnvName(r) == name; }) != nullptr;
    if (!known && warnings != nullptr) {
      std::string warning = "unknown environment variable " + name + " is ignored";
      const std::string suggestion = ClosestEnvName(name, sources.tables);
      if (!suggestion.empty()) warning += "; did you mean " + suggestion + "?";
      warnings->push_back(std::move(warning));
    }
  }
  for (const SettingsTable* table : tables) {
    for (const SettingRow& s : table->rows) {
      std::string value;
      if (!sources.env(EnvName(s), value)) continue;
      Status status = Apply(values, s, std::move(value));
      if (!status.ok()) return status;
    }
  }
  return {};
}

// Core's typed fields from the values.
void ReadCore(Config& c) {
  const ConfigValues& v = c.values;
  c.http.host = v.Text("http.host");
  c.http.port = v.Int("http.port");
  c.http.threads = v.Int("http.threads");
  c.data_dir = v.Text("data.dir");
  c.log_dir = v.Text("log.dir");
  c.log_level = v.Text("log.level");
  c.admin_token = v.Text("admin.token");
  c.cors_origins = v.List("cors.origins");
  c.admin_web_dir = v.Text("admin.web_dir");
  c.llm.base_url = v.Text("llm.base_url");
  c.llm.api_key = v.Text("llm.api_key");
  c.llm.model = v.Text("llm.model");
  c.llm.timeout_s = v.Int("llm.timeout_s");
  c.llm.max_retries = v.Int("llm.max_retries");
  c.llm.max_tokens = v.Int("llm.max_tokens");
  c.story_system_prompt = v.Text("story.system_prompt");
  c.workers = v.Int("workers");
  c.streaming = v.Text("streaming.mode") == "on";
  c.stream_interval_ms = v.Int("streaming.interval_ms");
}

boost::json::value JsonValue(const SettingRow& s, const std::string& text) {
  if (s.secret && !text.empty()) return "***";
  switch (s.kind) {
    case SettingKind::kInt:
      return ParseInt(text, std::numeric_limits<long>::min(), std::numeric_limits<long>::max())
          .value();
    case SettingKind::kList: {
      boost::json::array a;
      for (const std::string& item : SplitList(text)) a.emplace_back(item);
      return a;
    }
    case SettingKind::kString:
      break;
  }
  return boost::json::value(text);
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

SettingRow StringRow(std::string env, std::string key, std::string default_value, std::string doc,
                     SettingCheck check) {
  return {std::move(env), std::move(key),   SettingKind::kString, std::move(default_value),
          false,          std::move(check), std::move(doc)};
}

SettingRow SecretRow(std::string env, std::string key, std::string doc, SettingCheck check) {
  return {std::move(env), std::move(key),   SettingKind::kString, "",
          true,           std::move(check), std::move(doc)};
}

SettingRow IntRow(std::string env, std::string key, long default_value, long min, long max,
                  std::string doc) {
  return {std::move(env),
          std::move(key),
          SettingKind::kInt,
          std::to_string(default_value),
          false,
          [min, max](std::string_view v) -> Status {
            Result<long> parsed = ParseInt(v, min, max);
            if (!parsed.ok()) return parsed.error();
            return {};
          },
          std::move(doc)};
}

SettingRow ListRow(std::string env, std::string key, std::string default_value, std::string doc,
                   SettingCheck check_each) {
  SettingCheck check = nullptr;
  if (check_each) {
    check = [check_each](std::string_view v) -> Status {
      for (const std::string& item : SplitList(v)) {
        Status s = check_each(item);
        if (!s.ok()) return s;
      }
      return {};
    };
  }
  return {std::move(env), std::move(key),   SettingKind::kList, std::move(default_value),
          false,          std::move(check), std::move(doc)};
}

Status CheckNotEmpty(std::string_view value) {
  if (value.empty()) return InvalidArgument("must not be empty");
  return {};
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

Status CheckOneOf(std::string_view v, std::initializer_list<std::string_view> allowed) {
  if (std::find(allowed.begin(), allowed.end(), v) != allowed.end()) return {};
  std::string list;
  for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  return InvalidArgument("must be one of " + list);
}

int ConfigValues::Int(const std::string& key) const {
  const std::string& text = Text(key);
  int value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);  // checked when loaded
  return value;
}

std::vector<std::string> ConfigValues::List(const std::string& key) const {
  return SplitList(Text(key));
}

const SettingsTable& CoreSettings() {
  static const SettingsTable table{
      {
          StringRow("HTTP_HOST", "http.host", "127.0.0.1", "listen address", CheckNotEmpty),
          IntRow("HTTP_PORT", "http.port", 8080, 0, 65535, "listen port; 0 picks a free one"),
          IntRow("HTTP_THREADS", "http.threads", 0, 0, 256,
                 "I/O threads; 0 means the number of cores"),
          StringRow("DATA_DIR", "data.dir", "./data",
                    "holds storybot.db (SQLite) and the generated admin token", CheckNotEmpty),
          StringRow("LOG_DIR", "log.dir", "./logs",
                    "holds storybot.ndjson (ECS JSON lines, rotated)", CheckNotEmpty),
          StringRow("LOG_LEVEL", "log.level", "info", "trace, debug, info, warn or error",
                    [](std::string_view v) {
                      return CheckOneOf(v, {"trace", "debug", "info", "warn", "error"});
                    }),
          SecretRow("ADMIN_TOKEN", "admin.token",
                    "admin bearer token; empty: generated on first start and kept in the data dir"),
          ListRow(
              "CORS_ORIGINS", "cors.origins", "http://localhost:5173",
              "browser origins allowed to call the admin API (comma-separated in the environment)",
              CheckOrigin),
          StringRow("ADMIN_WEB_DIR", "admin.web_dir", "admin-web/dist",
                    "the built admin panel, served at /admin/"),
          StringRow("LLM_BASE_URL", "llm.base_url", "",
                    "OpenAI-compatible base URL, e.g. http://127.0.0.1:11434/v1; empty: the "
                    "offline storyteller",
                    [](std::string_view v) { return CheckUrl(v, true); }),
          SecretRow("LLM_API_KEY", "llm.api_key", "bearer key for the LLM server"),
          StringRow("LLM_MODEL", "llm.model", "", "model name sent to the LLM server"),
          IntRow("LLM_TIMEOUT_S", "llm.timeout_s", 60, 1, 600, "seconds per LLM request"),
          IntRow("LLM_MAX_RETRIES", "llm.max_retries", 2, 0, 10,
                 "retries of a failed LLM call (408, 409, 429, 5xx, network) before the fallback"),
          IntRow("LLM_MAX_TOKENS", "llm.max_tokens", 800, 16, 32000,
                 "max_tokens sent with each story request"),
          StringRow("STORY_SYSTEM_PROMPT", "story.system_prompt", "",
                    "instructions for the LLM; {language} becomes English or Chinese; empty: the "
                    "built-in ones (length, child-safe, the user's language)"),
          IntRow("WORKERS", "workers", 64, 1, 10000,
                 "story jobs in flight at once (LLM concurrency)"),
          StringRow("STREAMING", "streaming.mode", "on",
                    "on: show a story as it is written (Telegram drafts in private chats, Slack "
                    "streams, webhook SSE); off: send the finished story only",
                    [](std::string_view v) { return CheckOneOf(v, {"on", "off"}); }),
          IntRow("STREAM_INTERVAL_MS", "streaming.interval_ms", 700, 100, 60000,
                 "at most one preview update per chat in this many milliseconds"),
          IntRow("LIMIT_USER_PER_HOUR", "limit.user_per_hour", 20, 0, 1000000,
                 "new stories and chapters per user per channel in any hour; 0: no limit"),
          IntRow("LIMIT_USER_PER_DAY", "limit.user_per_day", 60, 0, 1000000,
                 "new stories and chapters per user per channel in any 24 hours; 0: no limit"),
          IntRow("LIMIT_CHAT_PER_MINUTE", "limit.chat_per_minute", 20, 0, 1000000,
                 "messages per chat answered in a minute; the next gets one notice, the rest "
                 "silence; 0: no limit"),
          IntRow("LLM_DAILY_TOKENS", "llm.daily_tokens", 0, 0, 2000000000,
                 "LLM tokens per UTC day; once spent, the offline storyteller writes until "
                 "midnight UTC; 0: no budget"),
          StringRow("MODERATION", "moderation.mode", "local",
                    "off, local (built-in and admin word lists) or api (the lists plus POST "
                    "{base}/moderations)",
                    [](std::string_view v) {
                      return CheckOneOf(v, {"off", "local", "api"});
                    }),
          StringRow("MODERATION_BASE_URL", "moderation.base_url", "",
                    "OpenAI-compatible base URL of the moderation API (api mode); empty: the LLM "
                    "base URL",
                    [](std::string_view v) { return CheckUrl(v, true); }),
      },
      [](const ConfigValues& v) -> Status {
        if (v.Text("moderation.mode") == "api" && v.Text("moderation.base_url").empty() &&
            v.Text("llm.base_url").empty()) {
          return InvalidArgument(
              "moderation.base_url: required when moderation.mode is api and there is no LLM "
              "base URL (STORYBOT_MODERATION_BASE_URL)");
        }
        return {};
      }};
  return table;
}

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
  config.tables = AllTables(sources.tables);
  for (const SettingsTable* table : config.tables) {
    for (const SettingRow& row : table->rows) config.values.Set(row.key, row.default_value);
  }
  if (!sources.file_path.empty()) {
    Status status = ApplyFile(config.values, config.tables, sources.file_path);
    if (!status.ok()) return status.error();
  }
  if (sources.env) {
    Status status = ApplyEnv(config.values, config.tables, sources, warnings);
    if (!status.ok()) return status.error();
  }
  for (const SettingsTable* table : config.tables) {
    if (!table->check) continue;
    Status status = table->check(config.values);
    if (!status.ok()) return status.error();
  }
  if (config.values.Int("http.threads") == 0) {
    const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
    config.values.Set("http.threads", std::to_string(cores));  // --check-config shows the count
  }
  ReadCore(config);
  return config;
}

std::string DescribeConfig(const Config& config) {
  boost::json::object root;
  for (const SettingsTable* table : config.tables) {
    for (const SettingRow& s : table->rows) {
      boost::json::object* node = &root;
      std::string_view key = s.key;
      for (std::size_t dot = key.find('.'); dot != std::string_view::npos; dot = key.find('.')) {
        const std::string section(key.substr(0, dot));
        if (!node->contains(section)) (*node)[section] = boost::json::object();
        node = &(*node)[section].as_object();
        key.remove_prefix(dot + 1);
      }
      (*node)[key] = JsonValue(s, config.values.Text(s.key));
    }
  }
  std::string out;
  PrettyPrint(root, 0, out);
  return out + "\n";
}

std::vector<std::string> SecretValues(const Config& config) {
  std::vector<std::string> secrets;
  for (const SettingsTable* table : config.tables) {
    for (const SettingRow& s : table->rows) {
      if (s.secret && !config.values.Text(s.key).empty()) {
        secrets.push_back(config.values.Text(s.key));
      }
    }
  }
  return secrets;
}

std::string ClosestEnvName(std::string_view name,
                           const std::vector<const SettingsTable*>& channel_tables) {
  if (!name.starts_with(kEnvPrefix)) return {};
  const std::string_view suffix = name.substr(kEnvPrefix.size());
  if (suffix.empty()) return {};
  const std::vector<const SettingsTable*> tables = AllTables(channel_tables);
  // A left-out word (STORYBOT_PORT for STORYBOT_HTTP_PORT, STORYBOT_TELEGRAM_TOKEN for
  // STORYBOT_TELEGRAM_BOT_TOKEN) is the likeliest slip: every word given, in order, fewest extra.
  const std::vector<std::string> given = SplitWords(suffix);
  const SettingRow* fewest = nullptr;
  FindRow(tables, [&](const SettingRow& s) {
    const std::vector<std::string> words = SplitWords(s.env);
    std::size_t matched = 0;
    for (const std::string& w : words) matched += matched < given.size() && w == given[matched];
    if (matched == given.size() && (fewest == nullptr || s.env.size() < fewest->env.size())) {
      fewest = &s;
    }
    return false;
  });
  if (fewest != nullptr) return EnvName(*fewest);
  const SettingRow* best = nullptr;
  std::size_t best_distance = 0;
  FindRow(tables, [&](const SettingRow& s) {
    const std::size_t d = EditDistance(suffix, s.env);
    if (best == nullptr || d < best_distance) {
      best = &s;
      best_distance = d;
    }
    return false;
  });
  if (best == nullptr) return {};
  // Far-off names (another tool's STORYBOT_BIN) get no suggestion rather than a silly one.
  const std::size_t limit = std::max<std::size_t>(2, std::max(suffix.size(), best->env.size()) / 3);
  return best_distance <= limit ? EnvName(*best) : std::string();
}

std::vector<SettingInfo> ListSettings(const std::vector<const SettingsTable*>& channel_tables) {
  std::vector<SettingInfo> out;
  FindRow(AllTables(channel_tables), [&](const SettingRow& s) {
    out.push_back({EnvName(s), s.key, s.secret, s.doc});
    return false;
  });
  return out;
}

}  // namespace storybot
