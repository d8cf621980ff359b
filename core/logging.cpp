#include "core/logging.h"

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "core/clock.h"
#include "core/utf8.h"
#include "storybot/version.h"

namespace storybot {
namespace {

constexpr const char* kEcsVersion = "8.11.0";

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace:
      return "trace";
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

spdlog::level::level_enum ToSpd(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace:
      return spdlog::level::trace;
    case LogLevel::kDebug:
      return spdlog::level::debug;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kWarn:
      return spdlog::level::warn;
    case LogLevel::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

void AppendField(std::string& out, const LogField& field) {
  out += ",\"";
  AppendJsonEscaped(out, field.key);
  out += "\":";
  std::visit(
      [&out](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string_view>) {
          out += '"';
          AppendJsonEscaped(out, v);
          out += '"';
        } else if constexpr (std::is_same_v<T, bool>) {
          out += v ? "true" : "false";
        } else {
          out += std::to_string(v);
        }
      },
      field.value);
}

void ReplaceAll(std::string& text, std::string_view needle) {
  if (needle.empty()) return;
  for (std::size_t pos = text.find(needle); pos != std::string::npos;
       pos = text.find(needle, pos + 3)) {
    text.replace(pos, needle.size(), "***");
  }
}

}  // namespace

Result<LogLevel> ParseLogLevel(std::string_view name) {
  for (LogLevel level :
       {LogLevel::kTrace, LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    if (name == LevelName(level)) return level;
  }
  return InvalidArgument("unknown log level '" + std::string(name) + "'");
}

void AppendJsonEscaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t pos = 0; pos < text.size();) {
    const auto c = static_cast<unsigned char>(text[pos]);
    if (c >= 0x80) {
      const std::size_t n = utf8::SequenceLength(text, pos);
      if (n == 0) {
        out += "\\ufffd";
        ++pos;
      } else {
        out.append(text.substr(pos, n));
        pos += n;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++pos;
  }
}

struct Logger::Impl {
  LogLevel level = LogLevel::kInfo;
  std::shared_ptr<spdlog::logger> file;
  std::shared_ptr<spdlog::logger> console;
  std::mutex secrets_mutex;
  std::vector<std::string> secrets;

  // Buffered file writes are flushed once a second (and at once for warnings and errors).
  std::mutex flush_mutex;
  std::condition_variable flush_wake;
  bool stopping = false;
  std::thread flusher;
};

Logger::Logger(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Logger::~Logger() {
  {
    std::lock_guard lock(impl_->flush_mutex);
    impl_->stopping = true;
  }
  impl_->flush_wake.notify_all();
  if (impl_->flusher.joinable()) impl_->flusher.join();
  Flush();
}

Result<std::shared_ptr<Logger>> Logger::Open(const Options& options) {
  auto impl = std::make_unique<Impl>();
  impl->level = options.level;
  try {
    if (!options.dir.empty()) {
      std::filesystem::create_directories(options.dir);
      auto sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
          (std::filesystem::path(options.dir) / "storybot.ndjson").string(), options.max_file_bytes,
          options.max_files);
      impl->file = std::make_shared<spdlog::logger>("storybot.file", sink);
      impl->file->set_pattern("%v");
      impl->file->set_level(spdlog::level::trace);
      impl->file->flush_on(spdlog::level::warn);
    }
    if (options.console) {
      auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
      impl->console = std::make_shared<spdlog::logger>("storybot.console", sink);
      impl->console->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
      impl->console->set_level(ToSpd(options.level));
    }
  } catch (const std::exception& e) {
    return Unavailable("cannot open the log in " + options.dir + ": " + e.what());
  }
  std::shared_ptr<Logger> logger(new Logger(std::move(impl)));
  if (logger->impl_->file) {
    Impl* raw = logger->impl_.get();
    raw->flusher = std::thread([raw] {
      std::unique_lock lock(raw->flush_mutex);
      while (!raw->stopping) {
        raw->flush_wake.wait_for(lock, std::chrono::seconds(1));
        raw->file->flush();
      }
    });
  }
  return logger;
}

void Logger::AddSecret(std::string secret) {
  if (secret.empty()) return;
  std::lock_guard lock(impl_->secrets_mutex);
  impl_->secrets.push_back(std::move(secret));
}

bool Logger::Enabled(LogLevel level) const { return level >= impl_->level; }

void Logger::Log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields,
                 std::string_view trace_id) {
  if (!Enabled(level)) return;
  Write(level, "storybot.app", message, fields, trace_id, true);
}

void Logger::Access(std::string_view message, std::initializer_list<LogField> fields,
                    std::string_view trace_id) {
  if (!Enabled(LogLevel::kInfo)) return;
  Write(LogLevel::kInfo, "storybot.access", message, fields, trace_id, Enabled(LogLevel::kDebug));
}

void Logger::Write(LogLevel level, std::string_view dataset, std::string_view message,
                   std::initializer_list<LogField> fields, std::string_view trace_id,
                   bool to_console) {
  std::string line;
  line.reserve(384);
  line += "{\"@timestamp\":\"";
  line += NowRfc3339();
  line += "\",\"log.level\":\"";
  line += LevelName(level);
  line += "\",\"message\":\"";
  AppendJsonEscaped(line, message);
  line += "\",\"ecs.version\":\"";
  line += kEcsVersion;
  line += "\",\"service.name\":\"storybot\",\"service.version\":\"";
  line += kVersion;
  line += "\",\"event.dataset\":\"";
  line += dataset;
  line += '"';
  if (!trace_id.empty()) AppendField(line, {"trace.id", trace_id});
  for (const LogField& field : fields) AppendField(line, field);
  line += '}';
  {
    std::lock_guard lock(impl_->secrets_mutex);
    for (const std::string& secret : impl_->secrets) ReplaceAll(line, secret);
  }
  if (impl_->file) impl_->file->log(ToSpd(level), line);
  if (impl_->console && to_console) {
    std::string readable = utf8::Sanitize(message);
    if (!trace_id.empty()) readable.append(" trace.id=").append(trace_id);
    for (const LogField& field : fields) {
      readable.append(" ").append(field.key).append("=");
      std::visit(
          [&readable](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::string_view>) {
              readable += utf8::Sanitize(v);
            } else if constexpr (std::is_same_v<T, bool>) {
              readable += v ? "true" : "false";
            } else {
              readable += std::to_string(v);
            }
          },
          field.value);
    }
    {
      std::lock_guard lock(impl_->secrets_mutex);
      for (const std::string& secret : impl_->secrets) ReplaceAll(readable, secret);
    }
    impl_->console->log(ToSpd(level), readable);
  }
}

void Logger::Flush() {
  if (impl_->file) impl_->file->flush();
  if (impl_->console) impl_->console->flush();
}

}  // namespace storybot
