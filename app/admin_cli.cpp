#include "app/admin_cli.h"

#include <filesystem>
#include <iomanip>

#include "core/admin/admin_accounts.h"
#include "core/clock.h"
#include "core/storage/database.h"
#include "core/storage/group_commit.h"
#include "core/storage/sqlite_admin_store.h"

namespace storybot {
namespace {

int Usage(std::ostream& err, const std::string& problem) {
  err << "storybot admin: " << problem << "\n" << kAdminUsage;
  return 2;
}

int Failed(std::ostream& err, const Error& error) {
  err << "storybot admin: " << error.message << "\n";
  return error.code == ErrorCode::kInvalidArgument ? 2 : 1;
}

int Add(SqliteAdminAccountStore& store, const std::vector<std::string>& args, std::ostream& out,
        std::ostream& err) {
  std::string name;
  std::string role_text;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--role" && i + 1 < args.size()) {
      role_text = args[++i];
    } else if (args[i].starts_with("--role=")) {
      role_text = args[i].substr(7);
    } else if (name.empty() && !args[i].starts_with("--")) {
      name = args[i];
    } else {
      return Usage(err, "unexpected argument '" + args[i] + "'");
    }
  }
  if (name.empty()) return Usage(err, "admin add needs a NAME");
  if (role_text.empty()) return Usage(err, "admin add needs --role editor or --role viewer");
  const auto role = ParseAdminRole(role_text);
  if (!role) return Usage(err, "--role: must be editor or viewer, not '" + role_text + "'");
  if (Status valid = ValidateAdminName(name); !valid.ok()) return Failed(err, valid.error());

  const std::string token = NewAdminToken();
  Status added = store.Add({name, *role, HashAdminToken(token), NowRfc3339(), ""});
  if (!added.ok()) return Failed(err, added.error());
  out << "admin " << name << " (" << AdminRoleName(*role) << ") added. Its token, shown only "
      << "this once (storybot keeps only its hash):\n"
      << token << "\n";
  return 0;
}

int List(SqliteAdminAccountStore& store, std::ostream& out, std::ostream& err) {
  auto accounts = store.List();
  if (!accounts.ok()) return Failed(err, accounts.error());
  out << std::left << std::setw(24) << "NAME" << std::setw(8) << "ROLE" << std::setw(26)
      << "CREATED"
      << "LAST USED\n";
  out << std::setw(24) << kBootstrapAdminName << std::setw(8) << "editor" << std::setw(26) << "-"
      << "- (STORYBOT_ADMIN_TOKEN or <data_dir>/admin_token)\n";
  for (const AdminAccount& a : accounts.value()) {
    out << std::setw(24) << a.name << std::setw(8) << AdminRoleName(a.role) << std::setw(26)
        << a.created_at << (a.last_used_at.empty() ? "never" : a.last_used_at) << "\n";
  }
  return 0;
}

int Remove(SqliteAdminAccountStore& store, const std::vector<std::string>& args, std::ostream& out,
           std::ostream& err) {
  if (args.size() != 2) return Usage(err, "admin remove needs exactly one NAME");
  Status removed = store.Remove(args[1]);
  if (!removed.ok()) return Failed(err, removed.error());
  out << "admin " << args[1] << " removed; a running storybot refuses its token within a second\n";
  return 0;
}

}  // namespace

int RunAdminCommand(const std::vector<std::string>& args, const Config& config, std::ostream& out,
                    std::ostream& err) {
  if (args.empty()) return Usage(err, "which admin command?");
  const std::string& command = args[0];
  if (command != "add" && command != "list" && command != "remove") {
    return Usage(err, "unknown admin command '" + command + "'");
  }
  const std::string db_path = (std::filesystem::path(config.data_dir) / "storybot.db").string();
  auto db = Database::Open(db_path);  // creates the private data dir and file, and migrates
  if (!db.ok()) return Failed(err, db.error());
  auto writer = GroupCommitWriter::Open(db_path);
  if (!writer.ok()) return Failed(err, writer.error());
  SqliteAdminAccountStore store(*db.value(), *writer.value());
  if (command == "add") return Add(store, args, out, err);
  if (command == "list") return List(store, out, err);
  return Remove(store, args, out, err);
}

}  // namespace storybot
