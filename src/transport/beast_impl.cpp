// Beast compiled once for the whole program (BOOST_BEAST_SEPARATE_COMPILATION is
// set globally), as Asio is in hub/asio_impl.cpp.
#include <boost/beast/src.hpp>
