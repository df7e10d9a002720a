#pragma once
// Administration subcommands that work on the configured store directly:
//   parley user add NAME         password from $PARLEY_PASSWORD or the first line of stdin
//   parley room add NAME --owner USER [--private]
// They use the store configured by the environment and .env (DATABASE_URL).
#include <CLI/CLI.hpp>
#include <string>

#include "app/config.hpp"

namespace parley::app {

struct AdminArgs {
  std::string name;
  std::string owner;
  bool private_room = false;
  CLI::App* user_add = nullptr;
  CLI::App* room_add = nullptr;
};

void add_admin_commands(CLI::App& app, AdminArgs& args);
// Runs the parsed admin subcommand; returns the exit code.
int run_admin(const CLI::App& app, const Config& config, const AdminArgs& args);

}  // namespace parley::app
