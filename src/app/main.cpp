// parley: the command line. `parley serve` runs the server; the other subcommands
// administer users and rooms in the configured store.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "app/admin.hpp"
#include "app/config.hpp"
#include "app/logging.hpp"
#include "app/serve.hpp"

int main(int argc, char** argv) {
  using namespace parley::app;
  CLI::App app{"parley — a real-time chat server. See docs/API.md."};
  app.require_subcommand(1);
  app.set_version_flag("--version", PARLEY_VERSION);

  Settings flags;
  auto* serve_cmd = app.add_subcommand(
      "serve", "run the server (configuration from flags, environment and .env)");
  add_config_options(*serve_cmd, flags);

  AdminArgs admin;
  add_admin_commands(app, admin);
  // The subcommand list shows `user` and `room` only; name what they do. (Set after
  // the subcommands exist, so they don't inherit it.)
  app.footer(
      "Administration, on the store of DATABASE_URL:\n"
      "  parley user add NAME                           create a password account\n"
      "                                                 (password from $PARLEY_PASSWORD or stdin)\n"
      "  parley room add NAME --owner USER [--private]  create a room\n"
      "Each subcommand has --help; `parley serve --help` lists every setting.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  Config config;
  try {
    config = resolve_config(flags, environment_map(), read_dotenv(".env"));
  } catch (const ConfigError& e) {
    std::cerr << "parley: invalid configuration:\n" << e.what() << "\n";
    return 2;
  }
  init_logging(config.log_level, config.log_format);
  try {
    if (serve_cmd->parsed()) return serve(config);
    return run_admin(app, config, admin);
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return 1;
  }
}
