#pragma once
// The built admin panel under /admin/: content types by extension, long-lived caching for
// hashed assets (/admin/assets/), no-cache for index.html, index.html for client-side routes,
// and no way out of the folder (.. segments, symlinks pointing outside).
#include <string>

#include "http/router.h"

namespace storybot::http {

void AddAdminPanelRoutes(Router& router, std::string web_dir);

// The Content-Type for a file name, by its extension.
std::string_view ContentTypeFor(std::string_view file_name);

}  // namespace storybot::http
