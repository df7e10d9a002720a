# Fragment for src/app/CMakeLists.txt: configuration (flags, environment, .env),
# logging set-up. Paths are relative to this file so it can be included from any
# directory.
add_library(parley_config
  ${CMAKE_CURRENT_LIST_DIR}/config.cpp
  ${CMAKE_CURRENT_LIST_DIR}/config_parsers.cpp
  ${CMAKE_CURRENT_LIST_DIR}/secrets.cpp
  ${CMAKE_CURRENT_LIST_DIR}/settings_table.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dotenv.cpp
  ${CMAKE_CURRENT_LIST_DIR}/logging.cpp)
parley_include_root(parley_config app)
# Public: callers log through spdlog after init_logging, and may pass their own
# CLI::App to add_config_options.
target_link_libraries(parley_config PUBLIC parley_chat spdlog::spdlog CLI11::CLI11 PRIVATE parley_auth parley_csprng)
