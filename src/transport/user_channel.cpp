#include "transport/user_channel.hpp"

#include "transport/encode.hpp"

namespace parley::transport {

void notify_user(hub::Hub& hub, const chat::UserId& user, std::string_view type,
                 const std::string& payload) {
  hub.publish(encode_transient(user_channel(user), type, payload, payload));
}

}  // namespace parley::transport
