#pragma once
// The table of settings: one row per configuration variable (config.hpp), each
// with its flag's help, how a value is checked and applied, and how it is shown.
//
// Promises: each variable parley reads has exactly one row, and rows are in the
// order they must be applied, so PORT precedes BASE_URL (whose default depends on
// it). A row's apply either sets its part of the Config or adds one problem and
// leaves that part as it was; a secret row's show never reveals the value.
// Immutable once built; any thread.
#include <string>
#include <string_view>
#include <vector>

#include "app/config.hpp"
#include "app/config_parsers.hpp"

namespace parley::app {

using Apply = void (*)(Config&, std::string_view name, const std::string& value, Problems&);
using Show = std::string (*)(const Config&);

struct Setting {
  std::string_view name;
  std::string_view type;  // value placeholder in --help; "[BOOL]" marks a boolean
  std::string_view help;
  bool secret;                    // never a flag, never shown
  std::string_view default_text;  // for --help when show(Config{}) is not the real default
  Apply apply;
  Show show;
};

// The rows, built on first use.
const std::vector<Setting>& settings();

}  // namespace parley::app
