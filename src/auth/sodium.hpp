#pragma once
// Internal to parley_auth: libsodium must be initialised before any of its functions
// (pwhash, base64) is used. Call this at the top of each entry point. (Random bytes
// come from csprng/, which initialises libsodium for itself.)
namespace parley::auth::detail {

// Initialises libsodium once per process; thread-safe and cheap after the first call.
// Throws std::runtime_error if libsodium cannot initialise (no usable entropy source):
// nothing in this module is safe to run then.
void ensure_sodium();

}  // namespace parley::auth::detail
