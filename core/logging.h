#pragma once
// Structured logging in Elastic Common Schema: one JSON object per line in
// <dir>/storybot.ndjson (rotated by size), plus a readable line on stderr.
// Thread-safe. Known secrets (AddSecret) are replaced by "***" in every line, whatever field
// they appear in.
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"

namespace storybot {

enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError };

Result<LogLevel> ParseLogLevel(std::string_view name);

// One ECS field, e.g. {"http.response.status_code", 200}. Keys are dotted ECS names.
struct LogField {
  std::string_view key;
  std::variant<std::string_view, std::int64_t, double, bool> value;
};

// Appends `text` to `out` as the contents of a JSON string: quotes, backslashes and control
// characters escaped, malformed UTF-8 replaced by U+FFFD, so every line stays valid JSON.
void AppendJsonEscaped(std::string& out, std::string_view text);

class Logger {
 public:
  struct Options {
    std::string dir;  // empty: no file, console only (tools and tests)
    LogLevel level = LogLevel::kInfo;
    bool console = true;
    std::size_t max_file_bytes = 100 * 1024 * 1024;
    std::size_t max_files = 5;
  };

  // Creates the directory if needed and opens <dir>/storybot.ndjson.
  static Result<std::shared_ptr<Logger>> Open(const Options& options);
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  // Every later line has each occurrence of `secret` replaced by ***. Call at start-up.
  void AddSecret(std::string secret);

  bool Enabled(LogLevel level) const;

  // event.dataset "storybot.app".
  void Log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields = {},
           std::string_view trace_id = {});
  // event.dataset "storybot.access": one line per HTTP request. Shown on the console at debug.
  void Access(std::string_view message, std::initializer_list<LogField> fields,
              std::string_view trace_id);

  void Flush();

 private:
  struct Impl;
  explicit Logger(std::unique_ptr<Impl> impl);
  void Write(LogLevel level, std::string_view dataset, std::string_view message,
             std::initializer_list<LogField> fields, std::string_view trace_id, bool to_console);
  std::unique_ptr<Impl> impl_;
};

}  // namespace storybot
