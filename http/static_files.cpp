#include "http/static_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace storybot::http {
namespace {

namespace fs = std::filesystem;

bool ReadFile(const fs::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  out = std::move(buffer).str();
  return true;
}

bool HasUnsafeSegment(std::string_view path) {
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    const std::string_view seg = path.substr(start, slash - start);
    if (seg == ".." || seg == "." || seg.find('\\') != std::string_view::npos ||
        seg.find('\0') != std::string_view::npos) {
      return true;
    }
    start = slash + 1;
  }
  return false;
}

}  // namespace

std::string_view ContentTypeFor(std::string_view name) {
  const std::size_t dot = name.rfind('.');
  const std::string_view ext = dot == std::string_view::npos ? "" : name.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "json" || ext == "map") return "application/json";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
  if (ext == "ico") return "image/x-icon";
  if (ext == "webp") return "image/webp";
  if (ext == "woff2") return "font/woff2";
  if (ext == "woff") return "font/woff";
  if (ext == "txt") return "text/plain; charset=utf-8";
  if (ext == "webmanifest") return "application/manifest+json";
  return "application/octet-stream";
}

void AddAdminPanelRoutes(Router& router, std::string web_dir) {
  router.Add("GET", "/admin", Auth::kNone, [](const ExchangePtr& ex) {
    Response r;
    r.status = 301;
    r.Set("Location", "/admin/");
    ex->Reply(std::move(r));
  });
  router.Add("GET", "/admin/{path*}", Auth::kNone, [web_dir](const ExchangePtr& ex) {
    const std::string relative = ex->params.at("path");
    if (HasUnsafeSegment(relative)) {
      return ReplyError(ex, 404, "not_found", "no such file");
    }
    std::error_code ec;
    const fs::path root = fs::weakly_canonical(web_dir, ec);
    fs::path file = fs::weakly_canonical(root / relative, ec);
    // Resolved symlinks must still point inside the panel's folder.
    const std::string root_text = root.string() + "/";
    if (ec || (file != root && file.string().rfind(root_text, 0) != 0)) {
      return ReplyError(ex, 404, "not_found", "no such file");
    }
    const bool is_asset = relative.rfind("assets/", 0) == 0;
    if (!fs::is_regular_file(file, ec)) {
      // Client-side routes (no extension) get the app; missing files stay 404.
      const bool looks_like_file = fs::path(relative).has_extension();
      if (looks_like_file || is_asset) return ReplyError(ex, 404, "not_found", "no such file");
      file = root / "index.html";
    }
    Response r;
    if (!ReadFile(file, r.body)) {
      return ReplyError(ex, 404, "not_found",
                        "the admin panel is not built: run `make run` or `npm run build` in "
                        "admin-web/");
    }
    r.Set("Content-Type", std::string(ContentTypeFor(file.filename().string())));
    r.Set("Cache-Control", is_asset ? "public, max-age=31536000, immutable" : "no-cache");
    r.Set("X-Content-Type-Options", "nosniff");
    ex->Reply(std::move(r));
  });
}

}  // namespace storybot::http
