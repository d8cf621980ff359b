#pragma once
// Method + path routing with `{name}` parameters and a trailing `{name*}` that takes the rest of
// the path. A path that matches no pattern is 404; a pattern that matches with another method
// is 405 with the allowed methods. Built once at start, then read-only (thread-safe).
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/exchange.h"

namespace storybot::http {

// Who may call a route. kAdmin: any admin for GET/HEAD, an editor for every other method (so a
// new write route is closed to viewers unless it says otherwise). kAdminRead: any admin whatever
// the method, for POSTs that change nothing (POST /api/stories/preview). See DecideAccess.
enum class Auth { kNone, kAdmin, kAdminRead };

using Handler = std::function<void(const ExchangePtr&)>;

struct Route {
  std::string method;
  std::string pattern;
  Auth auth = Auth::kNone;
  Handler handler;
};

class Router {
 public:
  void Add(std::string method, std::string pattern, Auth auth, Handler handler);

  struct Match {
    const Route* route = nullptr;  // set when found
    std::map<std::string, std::string, std::less<>> params;
    std::vector<std::string> allowed;  // set on 405
  };
  // HEAD is matched as GET.
  Match Find(std::string_view method, std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Compiled {
    std::vector<std::string> segments;  // "{id}" params, "{rest*}" tail
  };
  static bool MatchPattern(const Compiled& pattern, std::string_view path,
                           std::map<std::string, std::string, std::less<>>& params);
  std::vector<Route> routes_;
  std::vector<Compiled> compiled_;
};

}  // namespace storybot::http
