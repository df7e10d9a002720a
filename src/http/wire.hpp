#pragma once
// HTTP/1.1 on a connection: reading a request, writing a response, refusing one.
// Compiled apart from the session loop (http_session.cpp) because Beast's read and
// write instantiations are most of its compile time: split, the two halves build in
// parallel and an edit to either rebuilds half (README, development).
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "transport/rest/rest.hpp"

namespace parley::http {

using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// Reads one request into `parser` (its limits already set); `ec` says how it ended.
boost::asio::awaitable<void> read_request(boost::beast::tcp_stream& stream,
                                          boost::beast::flat_buffer& buffer, RequestParser& parser,
                                          boost::system::error_code& ec);

// Writes `res`; `ec` says how it ended.
boost::asio::awaitable<void> write_response(boost::beast::tcp_stream& stream,
                                            transport::rest::Response& res,
                                            boost::system::error_code& ec);

// Sends `reply` to a request that could not be read (too large, malformed) and
// closes without losing the reply: see the lingering close in wire.cpp.
boost::asio::awaitable<void> refuse(boost::beast::tcp_stream& stream,
                                    transport::rest::Response& reply);

}  // namespace parley::http
