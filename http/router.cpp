#include "http/router.h"

#include <algorithm>

namespace storybot::http {
namespace {

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> segments;
  std::size_t start = 1;  // paths start with '/'
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    segments.emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return segments;
}

bool IsParam(std::string_view s) { return s.size() > 2 && s.front() == '{' && s.back() == '}'; }
bool IsTail(std::string_view s) { return IsParam(s) && s[s.size() - 2] == '*'; }

}  // namespace

void Router::Add(std::string method, std::string pattern, Auth auth, Handler handler) {
  compiled_.push_back({SplitPath(pattern)});
  routes_.push_back({std::move(method), std::move(pattern), auth, std::move(handler)});
}

bool Router::MatchPattern(const Compiled& pattern, std::string_view path,
                          std::map<std::string, std::string, std::less<>>& params) {
  if (path.empty() || path.front() != '/') return false;
  std::size_t pos = 1;
  for (std::size_t i = 0; i < pattern.segments.size(); ++i) {
    const std::string& want = pattern.segments[i];
    if (IsTail(want)) {
      params[want.substr(1, want.size() - 3)] =
          std::string(path.substr(std::min(pos, path.size())));
      return true;
    }
    if (pos > path.size()) return false;
    std::size_t slash = path.find('/', pos);
    const bool last = i + 1 == pattern.segments.size();
    if (slash == std::string_view::npos) slash = path.size();
    const std::string_view got = path.substr(pos, slash - pos);
    if (IsParam(want)) {
      if (got.empty()) return false;
      params[want.substr(1, want.size() - 2)] = PercentDecode(got, false);
    } else if (got != want) {
      return false;
    }
    pos = slash + 1;
    if (last) return slash == path.size();
  }
  return false;
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  const std::string_view wanted = method == "HEAD" ? std::string_view("GET") : method;
  Match result;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    std::map<std::string, std::string, std::less<>> params;
    if (!MatchPattern(compiled_[i], path, params)) continue;
    if (routes_[i].method == wanted) {
      result.route = &routes_[i];
      result.params = std::move(params);
      result.allowed.clear();
      return result;
    }
    if (std::find(result.allowed.begin(), result.allowed.end(), routes_[i].method) ==
        result.allowed.end()) {
      result.allowed.push_back(routes_[i].method);
    }
  }
  if (std::find(result.allowed.begin(), result.allowed.end(), "GET") != result.allowed.end()) {
    result.allowed.push_back("HEAD");
  }
  return result;
}

}  // namespace storybot::http
