// Asio compiled once for the whole program (BOOST_ASIO_SEPARATE_COMPILATION is set
// globally): every other file only declares what it uses, which halves their
// compile time.
#include <boost/asio/impl/src.hpp>
