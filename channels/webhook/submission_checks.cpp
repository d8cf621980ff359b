#include "channels/webhook/submission_checks.h"

#include <cctype>
#include <optional>
#include <vector>

#include "channels/webhook/ssrf.h"

namespace storybot::webhook {

Status CheckCallbackAtSubmission(const std::string& url, const Integration& integration) {
  auto parsed = ParseCallbackUrl(url);
  if (!parsed.ok()) return InvalidArgument("callback_url: " + parsed.error().message);
  auto allowlist = ParseAllowlist(integration.callback_allowlist);
  const std::vector<AllowEntry> entries =
      allowlist.ok() ? allowlist.value() : std::vector<AllowEntry>{};
  std::optional<IpAddress> address = parsed.value().literal;
  const std::string& host = parsed.value().host;
  if (!address && (host == "localhost" || host.ends_with(".localhost"))) {
    address = ParseIp("127.0.0.1");
  }
  if (!address) return {};
  Status allowed = CheckAddress(*address, host, entries);
  if (!allowed.ok()) return InvalidArgument("callback_url: " + allowed.error().message);
  return {};
}

Status CheckPromptUsable(PromptService* prompts, std::int64_t id) {
  if (prompts == nullptr) return {};
  auto snapshot = prompts->List();
  if (!snapshot.ok()) return snapshot.error();
  for (const Prompt& p : snapshot.value()->prompts) {
    if (p.id != id) continue;
    if (p.enabled) return {};
    return InvalidArgument("prompt_id: prompt " + std::to_string(id) +
                           " is disabled; enable it or send another");
  }
  return InvalidArgument("prompt_id: prompt " + std::to_string(id) +
                         " does not exist (GET /api/prompts lists them)");
}

}  // namespace storybot::webhook
