#pragma once
// What every page handler of web/ shares: the services and the static files. Built once by
// page_routes(); handlers hold it by shared_ptr.
#include <memory>
#include <vector>

#include "transport/rest/rest.hpp"
#include "transport/service.hpp"
#include "web/static_files.hpp"

namespace parley::web {

struct Web {
  service::Services& s;
  StaticFiles assets;
};

using WebPtr = std::shared_ptr<const Web>;

// Each file of web/ adds its routes.
void add_login_routes(std::vector<transport::rest::Route>& out, const WebPtr& web);
void add_room_routes(std::vector<transport::rest::Route>& out, const WebPtr& web);
void add_form_routes(std::vector<transport::rest::Route>& out, const WebPtr& web);
void add_invite_routes(std::vector<transport::rest::Route>& out, const WebPtr& web);
void add_random_routes(std::vector<transport::rest::Route>& out, const WebPtr& web);
void add_oauth_routes(std::vector<transport::rest::Route>& out, const WebPtr& web);

}  // namespace parley::web
