#pragma once
// Bytes as lower-case hexadecimal, two digits a byte, high nibble first: parley's
// one hex encoder, for digests, generated keys, cache keys and the \xHH escapes of
// logs and messages. Standard library only; pure, any thread.
#include <span>
#include <string>
#include <string_view>

namespace parley::chat {

std::string to_hex(std::span<const unsigned char> bytes);
// The bytes of a string (a char's value as unsigned char).
std::string to_hex(std::string_view bytes);

}  // namespace parley::chat
