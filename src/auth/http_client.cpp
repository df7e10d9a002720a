#include "auth/http_client.hpp"

#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace parley::auth {

namespace {

// curl_global_init is not thread-safe in every libcurl build; do it once, before
// the first handle, whichever worker gets there first.
void ensure_curl() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Sink {
  std::string body;
  std::size_t max = 0;
  bool overflow = false;
};

std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::size_t n = size * count;
  if (sink->body.size() + n > sink->max) {
    sink->overflow = true;
    return 0;  // anything but n aborts the transfer (CURLE_WRITE_ERROR)
  }
  sink->body.append(data, n);
  return n;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

chat::Result<HttpResponse> http_fetch(const HttpRequest& request, const HttpLimits& limits) {
  ensure_curl();
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return chat::fail(chat::ErrorKind::internal, "cannot start an HTTP request");
  CURL* h = curl.get();

  std::unique_ptr<curl_slist, SlistDeleter> headers;
  for (const auto& line : request.headers) {
    curl_slist* grown = curl_slist_append(headers.get(), line.c_str());
    if (!grown) return chat::fail(chat::ErrorKind::internal, "out of memory");
    (void)headers.release();
    headers.reset(grown);
  }

  Sink sink;
  sink.max = limits.max_body_bytes;
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  // Signals cannot interrupt a worker thread's DNS lookup safely; libcurl then
  // relies on its threaded resolver for the timeout.
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(limits.timeout.count()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(limits.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(limits.max_body_bytes));
  // GitHub's API refuses requests without a User-Agent.
  curl_easy_setopt(h, CURLOPT_USERAGENT, "parley");
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  if (request.method == "POST") {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }

  const CURLcode rc = curl_easy_perform(h);
  if (sink.overflow || rc == CURLE_FILESIZE_EXCEEDED) {
    return chat::fail(
        chat::ErrorKind::too_large,
        "the answer is larger than " + std::to_string(limits.max_body_bytes) + " bytes");
  }
  if (rc != CURLE_OK) {
    // curl_easy_strerror is a fixed text per code ("Timeout was reached"); the
    // detailed error buffer is not used because it may quote the URL.
    return chat::fail(chat::ErrorKind::unavailable, curl_easy_strerror(rc));
  }
  HttpResponse res;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &res.status);
  res.body = std::move(sink.body);
  return res;
}

}  // namespace parley::auth
