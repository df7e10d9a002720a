#pragma once
// The service layer's names the transports use on nearly every line, by their short
// names. Each transport file still includes the service headers it calls.
#include "service/event_json.hpp"
#include "service/identity.hpp"
#include "service/services.hpp"

namespace parley::transport {

using service::Identity;
using service::now_ms;
using service::Services;
// The JSON shapes of API.md, which every transport sends.
using service::direct_notice_json;
using service::event_json;
using service::room_json;
using service::user_ref_json;

}  // namespace parley::transport
