// Prompt templates and reply splitting on the same input: Template::Parse, Render and
// VariableNames, then SplitMessage at a limit taken from the first byte, in both length units.
//
// Oracles besides the sanitizers: rendering valid UTF-8 gives valid UTF-8; split pieces are
// non-empty, UTF-8, within the limit, and together hold every non-space character.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/template.h"
#include "core/text_split.h"
#include "core/utf8.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using namespace storybot;
using fuzz::Check;

std::size_t Units(std::string_view piece, LengthUnit unit) {
  std::size_t units = 0;
  for (std::size_t i = 0; i < piece.size();) {
    const std::size_t n = utf8::SequenceLength(piece, i);
    Check(n > 0, "a piece that is not UTF-8");
    units += (unit == LengthUnit::kUtf16 && n == 4) ? 2 : 1;
    i += n;
  }
  return units;
}

std::size_t NonSpaceBytes(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) n += (c != ' ' && c != '\n' && c != '\r' && c != '\t') ? 1 : 0;
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t limit = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);

  auto parsed = Template::Parse(text);
  if (parsed.ok()) {
    TemplateVariables variables;
    for (const std::string& name : parsed.value().VariableNames()) {
      variables[name] = name.size() % 2 == 0 ? "" : "小兔子 " + name;
    }
    const std::string rendered = parsed.value().Render(variables);
    if (utf8::IsValid(text)) Check(utf8::IsValid(rendered), "rendering broke UTF-8");
  }

  const std::string clean = utf8::Sanitize(text);
  for (LengthUnit unit : {LengthUnit::kUtf16, LengthUnit::kCodePoints}) {
    std::size_t kept = 0;
    for (const std::string& piece : SplitMessage(text, limit, unit)) {
      Check(!piece.empty(), "an empty piece");
      Check(Units(piece, unit) <= std::max<std::size_t>(limit, 2), "a piece over the limit");
      kept += NonSpaceBytes(piece);
    }
    // Only whitespace at piece boundaries may be dropped.
    Check(kept == NonSpaceBytes(clean), "splitting lost or invented text");
  }
  return 0;
}
