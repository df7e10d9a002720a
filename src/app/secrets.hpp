#pragma once
// SESSION_SECRET and JWT_SECRET (config.hpp): what happens when they are unset or
// weak, and how any secret setting is shown.
//
// Promises:
// - After settle_secrets, both keys of the Config are non-empty. A missing one is
//   replaced by 32 bytes from the OS CSPRNG, hex-encoded (64 characters), marked
//   *_generated, and a warning says that what it signs will not survive a restart.
// - A given key is kept byte for byte; one shorter than 32 bytes gets a warning.
// - show_secret never reveals a value, only whether there is one.
// Thread-safe.
#include <string>

#include "app/config.hpp"

namespace parley::app {

// Generates the missing keys of c and adds the warnings above to c.warnings
// (SESSION_SECRET's first).
void settle_secrets(Config& c);

// A secret as describe() shows it: "<generated>", "<set>" or "<empty>".
std::string show_secret(const std::string& value, bool generated);

}  // namespace parley::app
