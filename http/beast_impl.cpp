// Boost.Asio and Boost.Beast compiled once for the whole program (separate compilation), so no
// other translation unit pays for their implementation.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
