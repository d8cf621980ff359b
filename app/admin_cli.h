#pragma once
// `storybot admin add NAME --role editor|viewer`, `storybot admin list`, `storybot admin remove
// NAME`: named admin tokens in the data directory's database, usable by a running storybot
// within about a second (core/admin/admin_authenticator.h).
#include <ostream>
#include <string>
#include <vector>

#include "core/config.h"

namespace storybot {

inline constexpr const char* kAdminUsage =
    "usage: storybot [--config FILE] admin add NAME --role editor|viewer\n"
    "       storybot [--config FILE] admin list\n"
    "       storybot [--config FILE] admin remove NAME\n";

// Runs one admin command (`args` are the words after "admin"). Exit status: 0 done, 1 it could
// not be done (name taken, no such admin, database unavailable), 2 bad usage or input.
int RunAdminCommand(const std::vector<std::string>& args, const Config& config, std::ostream& out,
                    std::ostream& err);

}  // namespace storybot
