#pragma once
// The unit of work the store's threads run: a function of a connection that
// returns a chat::Result, and the caller's callback for that result.
#include <exception>
#include <functional>
#include <string>

#include "chat/error.hpp"
#include "store/sqlite/connection.hpp"
#include "store/store.hpp"

namespace parley::store::sqlite {

template <class T>
using Work = std::function<chat::Result<T>(Connection&)>;

// Runs work, turning any exception (SQLite failures, bad_alloc) into an internal
// error: a failure is reported through the callback, never thrown at its caller.
template <class T>
chat::Result<T> run_guarded(const Work<T>& work, Connection& db) {
  try {
    return work(db);
  } catch (const std::exception& e) {
    return chat::fail(chat::ErrorKind::internal, std::string("storage error: ") + e.what());
  } catch (...) {
    return chat::fail(chat::ErrorKind::internal, "storage error");
  }
}

// Calls a caller's callback. A callback that throws has a bug, but it must not take
// the store's thread (and every later caller) down with it, so the exception stops here.
template <class T>
void deliver(const Callback<T>& done, chat::Result<T> result) noexcept {
  try {
    done(std::move(result));
  } catch (...) {
  }
}

}  // namespace parley::store::sqlite
