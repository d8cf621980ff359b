#include "core/template.h"

#include <algorithm>

#include "core/utf8.h"

namespace storybot {
namespace {

bool IsNameStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Error ErrorAt(std::string_view source, std::size_t byte_offset, std::string_view what) {
  const std::size_t character = utf8::CodePointCount(source.substr(0, byte_offset)) + 1;
  return InvalidArgument("template error at character " + std::to_string(character) + ": " +
                         std::string(what));
}

}  // namespace

Result<Template> Template::Parse(std::string_view source) {
  if (!utf8::IsValid(source)) return InvalidArgument("template is not valid UTF-8");
  Template result;
  std::size_t pos = 0;
  while (pos < source.size()) {
    const std::size_t open = source.find("{{", pos);
    if (open == std::string_view::npos) {
      result.parts_.push_back({false, std::string(source.substr(pos)), {}});
      break;
    }
    if (open > pos)
      result.parts_.push_back({false, std::string(source.substr(pos, open - pos)), {}});
    const std::size_t close = source.find("}}", open + 2);
    if (close == std::string_view::npos) return ErrorAt(source, open, "unclosed '{{'");
    const std::string_view inner = source.substr(open + 2, close - open - 2);
    const std::size_t nested = inner.find("{{");
    if (nested != std::string_view::npos) {
      return ErrorAt(source, open, "unclosed '{{' before another '{{'");
    }
    const std::size_t bar = inner.find('|');
    const std::string_view name = Trim(inner.substr(0, bar));
    if (name.empty()) return ErrorAt(source, open, "empty placeholder name");
    if (!IsNameStart(name.front()) || !std::all_of(name.begin(), name.end(), IsNameChar)) {
      return ErrorAt(
          source, open,
          "invalid placeholder name '" + std::string(name) + "' (use letters, digits and _)");
    }
    Part part{true, std::string(name), {}};
    if (bar != std::string_view::npos) part.fallback = std::string(Trim(inner.substr(bar + 1)));
    result.parts_.push_back(std::move(part));
    pos = close + 2;
  }
  return result;
}

std::string Template::Render(const TemplateVariables& variables) const {
  std::string out;
  for (const Part& part : parts_) {
    if (!part.is_placeholder) {
      out += part.text;
      continue;
    }
    const auto it = variables.find(part.text);
    out += (it != variables.end() && !it->second.empty()) ? it->second : part.fallback;
  }
  return out;
}

std::vector<std::string> Template::VariableNames() const {
  std::vector<std::string> names;
  for (const Part& part : parts_) {
    if (part.is_placeholder && std::find(names.begin(), names.end(), part.text) == names.end()) {
      names.push_back(part.text);
    }
  }
  return names;
}

}  // namespace storybot
