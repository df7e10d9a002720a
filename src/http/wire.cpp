#include "http/wire.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace parley::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bh = beast::http;

asio::awaitable<void> read_request(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                   RequestParser& parser, boost::system::error_code& ec) {
  co_await bh::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<void> write_response(beast::tcp_stream& stream, transport::rest::Response& res,
                                     boost::system::error_code& ec) {
  co_await bh::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<void> refuse(beast::tcp_stream& stream, transport::rest::Response& reply) {
  boost::system::error_code ec;
  stream.expires_after(std::chrono::seconds(5));
  co_await bh::async_write(stream, reply, asio::redirect_error(asio::use_awaitable, ec));
  // Lingering close: the client may still be sending the body we refused.
  // Closing with unread input makes the kernel send RST, which can destroy our
  // reply before the client reads it; so stop sending, then read and discard
  // (bounded in bytes and time) until the client closes too.
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  stream.expires_after(std::chrono::seconds(2));
  std::size_t discarded = 0;
  char sink[16384];
  while (!ec && discarded < (8u << 20)) {
    discarded += co_await stream.async_read_some(asio::buffer(sink),
                                                 asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace parley::http
