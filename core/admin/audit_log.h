#pragma once
// The audit trail of admin writes: who did what to which object, before and after, when, and
// under which trace id. Written through the single database writer; read newest first.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/result.h"

namespace storybot {

struct AuditRecord {
  std::int64_t id = 0;  // set by the store
  std::string at;       // RFC 3339; set by the store when empty
  std::string actor;    // the admin's name
  std::string actor_role;
  std::string action;  // e.g. "prompt.update"
  std::string method;  // HTTP method and route pattern of the request
  std::string route;
  std::string target;       // the object's id or name; empty when none
  std::string before_json;  // a JSON document, or empty when the handler has none
  std::string after_json;
  std::string trace_id;
};

struct AuditQuery {
  int limit = 50;
  std::int64_t before = 0;  // only ids below this; 0: from the newest
  std::string actor;        // empty: everyone
};

// Thread-safe.
class AuditLog {
 public:
  virtual ~AuditLog() = default;
  // Queues the record for the writer; `done` runs after its commit (on the writer's thread:
  // keep it quick).
  virtual void Record(AuditRecord record, std::function<void(Status)> done) = 0;
  // Newest first.
  virtual Result<std::vector<AuditRecord>> List(const AuditQuery& query) = 0;
};

}  // namespace storybot
