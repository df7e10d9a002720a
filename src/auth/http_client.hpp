#pragma once
// A blocking HTTP(S) client for server-to-server calls (the OAuth token and user-info
// requests), on libcurl. It blocks: call it from a worker thread, never a shard.
// Thread-safe: each call has its own handle.
//
// Every call is bounded: a total timeout, a connect timeout, a cap on the response
// body, http and https only, no redirects followed, TLS certificates and host names
// always verified. Errors say what went wrong in general terms (timeout, refused,
// too large) and never repeat the request's URL, headers or body, which may hold
// secrets.
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "chat/error.hpp"

namespace parley::auth {

struct HttpRequest {
  std::string method = "GET";        // "GET" or "POST"
  std::string url;                   // http:// or https://
  std::vector<std::string> headers;  // "Name: value"
  std::string body;                  // sent with POST
};

struct HttpResponse {
  long status = 0;
  std::string body;
};

struct HttpLimits {
  std::chrono::milliseconds timeout{10'000};
  std::chrono::milliseconds connect_timeout{5'000};
  // Token and profile answers are a few KiB; a megabyte means something is wrong.
  std::size_t max_body_bytes = 1 << 20;
};

// Performs the request. unavailable for a failure to get an answer (DNS,
// connection, TLS, timeout), too_large when the body passes the cap. Any HTTP
// status is an answer: the caller judges it.
chat::Result<HttpResponse> http_fetch(const HttpRequest& request, const HttpLimits& limits = {});

}  // namespace parley::auth
