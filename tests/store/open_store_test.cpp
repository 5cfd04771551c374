// OpenStore's handling of bad URLs and unreachable servers: one clear message, the right code,
// never the password.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "store/store.h"
#include "tests/support/result_matchers.h"

namespace herald::store {
namespace {

using ::herald::matchers::StatusIs;
using base::ErrorCode;

Result<std::unique_ptr<Store>> Open(const std::string& url) {
  StoreOptions options;
  options.url = url;
  options.connect_timeout = std::chrono::seconds(2);
  return OpenStore(options);
}

// A loopback port nothing listens on: bound (so nobody else takes it) but never listened.
class ClosedPort {
 public:
  ClosedPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~ClosedPort() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_;
  int port_;
};

TEST(StoreOpenTest, UnknownSchemeIsInvalidArgument) {
  auto r = Open("mysql://localhost/db");
  ASSERT_THAT(r, StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_EQ(r.error().message(),
            "unknown database URL scheme 'mysql'; use sqlite:PATH, sqlite::memory: or "
            "postgresql://...");
}

TEST(StoreOpenTest, MalformedUrlsAreInvalidArgument) {
  for (const std::string url : {"", "no-scheme-here", "sqlite:", "postgresql://host:notaport/db",
                                "postgresql://u:pw@[::1/db", "postgres://h:99999/db"}) {
    auto r = Open(url);
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument) << url << ": " << r.error().ToString();
    EXPECT_EQ(r.error().message().find('\n'), std::string::npos);
  }
}

TEST(StoreOpenTest, UnreachablePostgresIsUnavailableAndNeverShowsThePassword) {
  ClosedPort port;
  const std::string url = "postgresql://herald:s3cr3t-pw@127.0.0.1:" + std::to_string(port.port()) +
                          "/herald";
  auto r = Open(url);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable) << r.error().ToString();
  const std::string& m = r.error().message();
  EXPECT_NE(m.find("127.0.0.1:" + std::to_string(port.port())), std::string::npos) << m;
  EXPECT_EQ(m.find("s3cr3t-pw"), std::string::npos) << m;
  EXPECT_EQ(r.error().detail().find("s3cr3t-pw"), std::string::npos) << r.error().detail();
  EXPECT_EQ(m.find('\n'), std::string::npos) << m;
}

TEST(StoreOpenTest, BadPoolSizeIsInvalidArgument) {
  StoreOptions options;
  options.url = "sqlite::memory:";
  options.pool_size = 0;
  auto r = OpenStore(options);
  ASSERT_THAT(r, StatusIs(ErrorCode::kInvalidArgument));
}

}  // namespace
}  // namespace herald::store
