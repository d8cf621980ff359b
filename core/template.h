#pragma once
// Story prompt templates: literal text with `{{name}}` and `{{name|fallback}}` placeholders.
// Names are [A-Za-z_][A-Za-z0-9_]*; spaces around the name are allowed. A template is parsed once
// (Parse) and rendered many times; a parsed Template is immutable and safe to share across threads.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace storybot {

using TemplateVariables = std::map<std::string, std::string, std::less<>>;

class Template {
 public:
  // Parses `source`. On failure the error message names the position as a 1-based character
  // (code point) number, e.g. "template error at character 12: unclosed '{{'".
  static Result<Template> Parse(std::string_view source);

  // Substitutes variables; a missing or empty variable takes its fallback, else renders empty.
  std::string Render(const TemplateVariables& variables) const;

  // Distinct placeholder names in order of first use.
  std::vector<std::string> VariableNames() const;

 private:
  struct Part {
    bool is_placeholder = false;
    std::string text;  // literal text, or the placeholder's name
    std::string fallback;
  };
  std::vector<Part> parts_;
};

}  // namespace storybot
