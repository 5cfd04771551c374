// HttpUrlFetcher against loopback HTTP servers: a successful download (through an explicit
// test-only allowance of one loopback endpoint), and the guard: the same URL without the
// allowance, redirects to loopback, to another loopback port, to 169.254.169.254, a name that
// resolves to 10.x, oversize (announced and streamed), a non-media body, 4xx, too many
// redirects. The partial file never survives a failure.
#include "media/http_url_fetcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "platforms/http/https_client.h"
#include "tests/platforms/support/run_task.h"
#include "tests/platforms/support/test_http_server.h"
#include "tests/support/result_matchers.h"

using ::herald::matchers::IsOk;

namespace herald::media {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::ServerRequest;
using testing::ServerResponse;
using testing::TestHttpServer;

// A stand-in for media::SniffMediaType (implemented elsewhere): PNG by its magic number.
std::string_view FakeSniff(std::string_view head) {
  return head.starts_with("\x89PNG\r\n\x1a\n") ? "image/png" : "";
}

const std::string kPng = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(100'000, 'p');

ServerResponse Png(const ServerRequest&) {
  ServerResponse r = ServerResponse::Text(200, kPng);
  r.headers = {{"Content-Type", "image/png"}};
  return r;
}

ServerResponse RedirectTo(std::string location) {
  ServerResponse r = ServerResponse::Text(302, "");
  r.headers = {{"Location", std::move(location)}};
  return r;
}

std::string Endpoint(const TestHttpServer& s) { return "127.0.0.1:" + std::to_string(s.port()); }

class HttpUrlFetcherTest : public ::testing::Test {
 protected:
  HttpUrlFetcherTest() {
    dir_ = fs::temp_directory_path() /
           ("herald_fetch_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    platforms::http::HttpsClientOptions o;
    o.use_system_cas = false;
    o.allow_private_networks = true;  // ignored by public-only requests: proven below
    o.resolve = {{"private.test", "10.1.2.3"}, {"loop.test", "127.0.0.1"}};
    client_ = std::move(platforms::http::HttpsClient::Create(o)).value();
  }
  ~HttpUrlFetcherTest() override {
    client_.reset();
    fs::remove_all(dir_);
  }

  base::Result<FetchedFile> Fetch(const std::string& url, std::set<std::string, std::less<>> allowed,
                                  FetchOptions options = {}) {
    HttpUrlFetcher fetcher(*client_, FakeSniff, HttpUrlFetcherOptions{std::move(allowed)});
    return testing::RunTask(io_, fetcher.Fetch(url, Path(), options));
  }
  std::string Path() const { return (dir_ / "download.part").string(); }
  // A refusal with `code` whose message has `text`, and no file left behind.
  void ExpectRefused(const base::Result<FetchedFile>& r, base::ErrorCode code,
                     std::string_view text) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), code);
    EXPECT_THAT(r.error().message(), HasSubstr(std::string(text)));
    EXPECT_FALSE(Exists());
  }
  bool Exists() const { return fs::exists(Path()); }

  boost::asio::io_context io_;
  std::unique_ptr<platforms::http::HttpsClient> client_;
  fs::path dir_;
};

TEST_F(HttpUrlFetcherTest, DownloadsFromAnAllowedTestEndpoint) {
  TestHttpServer server(Png);
  auto r = Fetch(server.BaseUrl() + "/images/cat%20photo.png?x=1", {Endpoint(server)});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->size, static_cast<int64_t>(kPng.size()));
  EXPECT_EQ(r->mime_type, "image/png");
  EXPECT_EQ(r->file_name, "cat_20photo.png");
  std::ifstream in(Path(), std::ios::binary);
  std::stringstream got;
  got << in.rdbuf();
  EXPECT_EQ(got.str(), kPng);
}

TEST_F(HttpUrlFetcherTest, SameUrlWithoutTheAllowanceIsRefused) {
  TestHttpServer server(Png);
  auto r = Fetch(server.BaseUrl() + "/a.png", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_THAT(r.error().message(), HasSubstr("127.0.0.1"));
  EXPECT_THAT(r.error().message(), HasSubstr("loopback"));
  EXPECT_EQ(server.requests(), 0);
  EXPECT_FALSE(Exists());
}

TEST_F(HttpUrlFetcherTest, AllowPrivateNetworksReachesLoopbackAndPrivateRedirects) {
  TestHttpServer inner(Png);
  TestHttpServer outer([&](const ServerRequest&) { return RedirectTo(inner.BaseUrl() + "/b.png"); });
  HttpUrlFetcherOptions options;
  options.allow_private_networks = true;  // HERALD_ALLOW_PRIVATE_NETWORKS=1
  HttpUrlFetcher fetcher(*client_, FakeSniff, options);
  auto r = testing::RunTask(io_, fetcher.Fetch(outer.BaseUrl() + "/a.png", Path(), {}));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->mime_type, "image/png");
  EXPECT_EQ(r->file_name, "a.png");  // named after the URL given
  EXPECT_EQ(inner.requests(), 1);
  EXPECT_TRUE(Exists());
}

TEST_F(HttpUrlFetcherTest, RedirectToAnotherLoopbackPortIsRefused) {
  TestHttpServer inner(Png);
  TestHttpServer outer([&](const ServerRequest&) { return RedirectTo(inner.BaseUrl() + "/a.png"); });
  auto r = Fetch(outer.BaseUrl() + "/a.png", {Endpoint(outer)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_THAT(r.error().message(), HasSubstr("127.0.0.1"));
  EXPECT_EQ(inner.requests(), 0);
  EXPECT_FALSE(Exists());
}

TEST_F(HttpUrlFetcherTest, RedirectToLoopbackByNameIsRefused) {
  TestHttpServer inner(Png);
  TestHttpServer outer([&](const ServerRequest&) {
    return RedirectTo("http://loop.test:" + std::to_string(inner.port()) + "/a.png");
  });
  auto r = Fetch(outer.BaseUrl() + "/a.png", {Endpoint(outer)});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message(), HasSubstr("loop.test"));
  EXPECT_EQ(inner.requests(), 0);
}

TEST_F(HttpUrlFetcherTest, RedirectToCloudMetadataIsRefused) {
  TestHttpServer outer([](const ServerRequest&) {
    return RedirectTo("http://169.254.169.254/latest/meta-data/");
  });
  auto r = Fetch(outer.BaseUrl() + "/a.png", {Endpoint(outer)});
  ExpectRefused(r, base::ErrorCode::kInvalidArgument, "169.254.169.254");
}

TEST_F(HttpUrlFetcherTest, NameResolvingToPrivateIsRefused) {
  auto r = Fetch("https://private.test/a.png", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_THAT(r.error().message(), HasSubstr("private.test"));
  EXPECT_THAT(r.error().message(), HasSubstr("10.1.2.3"));
}

TEST_F(HttpUrlFetcherTest, OnlyHttpAndHttps) {
  auto r = Fetch("ftp://example.com/a.png", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_THAT(r.error().message(), HasSubstr("http:// or https://"));
  r = Fetch("file:///etc/passwd", {});
  EXPECT_FALSE(r.ok());
}

TEST_F(HttpUrlFetcherTest, AnnouncedOversizeIsRefusedBeforeReading) {
  TestHttpServer server(Png);
  auto r = Fetch(server.BaseUrl() + "/a.png", {Endpoint(server)}, FetchOptions{.max_bytes = 1000});
  ExpectRefused(r, base::ErrorCode::kResourceExhausted, "1000 bytes");
}

// A one-shot server answering with a body of unknown length (ended by closing), so that only
// the streamed count can stop the download.
class UnsizedServer {
 public:
  explicit UnsizedServer(std::string body)
      : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}),
        thread_([this, body = std::move(body)] {
          boost::system::error_code ec;
          boost::asio::ip::tcp::socket s(io_);
          acceptor_.accept(s, ec);
          if (ec) return;
          std::string req;
          char buf[4096];
          while (req.find("\r\n\r\n") == std::string::npos) {
            size_t n = s.read_some(boost::asio::buffer(buf), ec);
            if (ec) return;
            req.append(buf, n);
          }
          std::string out = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + body;
          boost::asio::write(s, boost::asio::buffer(out), ec);
          s.close(ec);
        }) {}
  ~UnsizedServer() {
    boost::system::error_code ec;
    acceptor_.close(ec);
    thread_.join();
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
};

TEST_F(HttpUrlFetcherTest, StreamedOversizeStopsAndRemovesThePartialFile) {
  UnsizedServer server(kPng);
  const std::string endpoint = "127.0.0.1:" + std::to_string(server.port());
  auto r = Fetch("http://" + endpoint + "/a.png", {endpoint}, FetchOptions{.max_bytes = 70'000});
  ExpectRefused(r, base::ErrorCode::kResourceExhausted, "70000 bytes");
}

TEST_F(HttpUrlFetcherTest, NotMediaIsRefused) {
  TestHttpServer server([](const ServerRequest&) { return ServerResponse::Text(200, "hello"); });
  auto r = Fetch(server.BaseUrl() + "/a.jpg", {Endpoint(server)});
  ExpectRefused(r, base::ErrorCode::kInvalidArgument, "not a supported");
}

TEST_F(HttpUrlFetcherTest, NotFoundNamesTheStatus) {
  TestHttpServer server([](const ServerRequest&) { return ServerResponse::Text(404, "no"); });
  auto r = Fetch(server.BaseUrl() + "/a.png", {Endpoint(server)});
  ExpectRefused(r, base::ErrorCode::kNotFound, "404");
}

TEST_F(HttpUrlFetcherTest, FollowsAtMostFiveRedirects) {
  TestHttpServer server([](const ServerRequest& req) {
    int n = std::stoi(req.Path().substr(1));
    if (n == 0) return Png(req);
    return RedirectTo("/" + std::to_string(n - 1));
  });
  EXPECT_THAT(Fetch(server.BaseUrl() + "/5", {Endpoint(server)}), IsOk());
  fs::remove(Path());
  auto r = Fetch(server.BaseUrl() + "/6", {Endpoint(server)});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message(), HasSubstr("redirect"));
  EXPECT_FALSE(Exists());
}

}  // namespace
}  // namespace herald::media
