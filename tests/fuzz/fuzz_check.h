#pragma once
// Shared by the fuzz targets: an oracle that aborts (so libFuzzer keeps the input as a crash) and
// the line framing that splits one input into several fields.
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace storybot::fuzz {

inline void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz oracle failed: %s\n", what);
    std::abort();
  }
}

// The text up to the next '\n' (or the end), removed from `in` with its newline.
inline std::string_view TakeLine(std::string_view& in) {
  const std::size_t nl = in.find('\n');
  const std::string_view line = in.substr(0, nl);
  in.remove_prefix(nl == std::string_view::npos ? in.size() : nl + 1);
  return line;
}

}  // namespace storybot::fuzz
