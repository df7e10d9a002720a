#include "app/admin.hpp"

#include <cstdlib>
#include <future>
#include <iostream>

#include "auth/password.hpp"
#include "chat/validate.hpp"
#include "store/store.hpp"

namespace parley::app {

namespace {

// The store is asynchronous; a command line tool simply waits.
template <class T, class Start>
chat::Result<T> wait(Start start) {
  std::promise<chat::Result<T>> p;
  auto f = p.get_future();
  start([&p](chat::Result<T> r) { p.set_value(std::move(r)); });
  return f.get();
}

int report(const chat::Error& e) {
  std::cerr << "parley: " << e.message << "\n";
  return 1;
}

}  // namespace

void add_admin_commands(CLI::App& app, AdminArgs& args) {
  auto* user = app.add_subcommand("user", "manage user accounts");
  user->require_subcommand(1);
  args.user_add = user->add_subcommand("add", "create a password account");
  args.user_add->add_option("name", args.name, "login name")->required();

  auto* room = app.add_subcommand("room", "manage rooms");
  room->require_subcommand(1);
  args.room_add = room->add_subcommand("add", "create a room");
  args.room_add->add_option("name", args.name, "room name")->required();
  args.room_add->add_option("--owner", args.owner, "login name of the owner")->required();
  args.room_add->add_flag("--private", args.private_room, "members only");
}

int run_admin(const CLI::App&, const Config& config, const AdminArgs& args) {
  auto limits = limits_of(config);
  auto store = store::open_store(config.database_url, limits);

  if (args.user_add && args.user_add->parsed()) {
    if (auto ok = chat::check_username(args.name, limits); !ok) return report(ok.error());
    std::string password;
    if (const char* env = std::getenv("PARLEY_PASSWORD")) {
      password = env;
    } else {
      std::getline(std::cin, password);
    }
    if (auto ok = chat::check_password(password, limits); !ok) return report(ok.error());
    auto user = wait<chat::User>([&](auto cb) {
      store->create_user(store::NewUser{args.name, auth::hash_password(password), "password", {}},
                         cb);
    });
    if (!user) return report(user.error());
    std::cout << user->id << "\n";
    return 0;
  }
  if (args.room_add && args.room_add->parsed()) {
    if (auto ok = chat::check_room_name(args.name, limits); !ok) return report(ok.error());
    auto owner = wait<chat::User>([&](auto cb) { store->find_user_by_name(args.owner, cb); });
    if (!owner) return report(owner.error());
    auto room = wait<chat::Room>([&](auto cb) {
      store->create_room(store::NewRoom{args.name, chat::RoomKind::group,
                                        args.private_room ? chat::Visibility::private_room
                                                          : chat::Visibility::public_room,
                                        owner->ref()},
                         cb);
    });
    if (!room) return report(room.error());
    std::cout << room->id << "\n";
    return 0;
  }
  return 2;
}

}  // namespace parley::app
