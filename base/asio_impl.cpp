// Asio, Asio SSL and Beast compiled once, here (BOOST_*_SEPARATE_COMPILATION), so every other
// translation unit only parses their headers.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
