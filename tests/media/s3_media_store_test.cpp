// S3MediaStore against a real S3-compatible server (s3rver, which checks AWS Signature V4),
// started by scripts/test.sh on 127.0.0.1 (HERALD_TEST_S3_ENDPOINT, _BUCKET, _REGION,
// _ACCESS_KEY_ID, _SECRET_ACCESS_KEY). Every test fails when those are unset, like the PostgreSQL
// tests, unless HERALD_TEST_S3_OPTIONAL=1 (then they are skipped).
#include "media/s3_media_store.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <cstdlib>
#include <memory>
#include <string>
#include <tuple>

#include "base/crypto.h"
#include "platforms/http/https_client.h"
#include "tests/media/store_test_support.h"
#include "tests/platforms/support/run_task.h"
#include "tests/support/result_matchers.h"

namespace herald::media {
namespace {

using ::herald::matchers::IsOk;
using ::herald::matchers::IsOkAndHolds;
using ::herald::matchers::StatusIs;
using ::herald::testing::RunTask;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using base::ErrorCode;
using testing::FileExists;
using testing::FileSha256Hex;
using testing::ReadFile;
using testing::ScratchDir;
using testing::WriteFile;
using testing::WriteRandomFile;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

// A loopback port nobody listens on (bound, then closed).
int ClosedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

class S3MediaStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.endpoint = Env("HERALD_TEST_S3_ENDPOINT");
    options_.bucket = Env("HERALD_TEST_S3_BUCKET");
    options_.region = Env("HERALD_TEST_S3_REGION");
    options_.access_key_id = Env("HERALD_TEST_S3_ACCESS_KEY_ID");
    options_.secret_access_key = Env("HERALD_TEST_S3_SECRET_ACCESS_KEY");
    options_.part_size = kMinS3PartSize;
    if (options_.endpoint.empty() || options_.bucket.empty()) {
      if (Env("HERALD_TEST_S3_OPTIONAL") == "1") {
        GTEST_SKIP() << "HERALD_TEST_S3_ENDPOINT is not set (HERALD_TEST_S3_OPTIONAL=1)";
      }
      FAIL() << "HERALD_TEST_S3_ENDPOINT / HERALD_TEST_S3_BUCKET are not set: run "
                "scripts/test.sh, or `source scripts/lib.sh; ensure_s3_node_modules; start_s3` "
                "first (HERALD_TEST_S3_OPTIONAL=1 skips these tests)";
    }
    if (options_.region.empty()) options_.region = "us-east-1";
    platforms::http::HttpsClientOptions http_options;
    http_options.use_system_cas = false;
    auto http = platforms::http::HttpsClient::Create(http_options);
    ASSERT_THAT(http, IsOk());
    http_ = std::move(*http);
    store_ = Open(options_);
    ASSERT_NE(store_, nullptr);
    // Each test works under its own prefix: test processes share the server.
    prefix_ = "test-" + base::HexEncode(base::RandomBytes(6)) + "/";
  }

  void TearDown() override {
    store_.reset();
    if (http_) http_->CloseIdle();  // pooled connections go before the io_context
  }

  std::unique_ptr<S3MediaStore> Open(const S3Options& options) {
    auto store = S3MediaStore::Create(options, *http_, base::SystemClock::Instance());
    EXPECT_THAT(store, IsOk());
    return store.ok() ? std::move(*store) : nullptr;
  }

  template <class T>
  T Run(base::Task<T> task) {
    return RunTask(io_, std::move(task));
  }

  std::string Upload(const std::string& data) {
    std::string path = dir_.File("upload-" + std::to_string(++uploads_));
    WriteFile(path, data);
    return path;
  }

  boost::asio::io_context io_;
  ScratchDir dir_;
  S3Options options_;
  std::unique_ptr<platforms::http::HttpsClient> http_;
  std::unique_ptr<S3MediaStore> store_;
  std::string prefix_;
  int uploads_ = 0;
};

TEST_F(S3MediaStoreTest, PutGetRangeStatAndRemove) {
  const std::string key = prefix_ + "med_1/original.png";
  const std::string data = "hello s3 media";
  auto stored = Run(store_->PutFile(key, Upload(data), "image/png"));
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->size, 14);
  EXPECT_EQ(stored->content_type, "image/png");
  EXPECT_EQ(store_->Kind(), "s3");
  EXPECT_EQ(store_->LocalPath(key), "");

  auto stat = Run(store_->Stat(key));
  ASSERT_THAT(stat, IsOk());
  EXPECT_EQ(stat->size, 14);
  EXPECT_EQ(stat->content_type, "image/png");

  std::string out = dir_.File("out.png");
  ASSERT_THAT(Run(store_->GetToFile(key, out)), IsOk());
  EXPECT_EQ(ReadFile(out), data);

  EXPECT_THAT(Run(store_->ReadRange(key, 6, 2)), IsOkAndHolds(std::string("s3")));
  EXPECT_THAT(Run(store_->ReadRange(key, 9, 100)), IsOkAndHolds(std::string("media")));
  EXPECT_THAT(Run(store_->ReadRange(key, 14, 10)), IsOkAndHolds(std::string("")));
  EXPECT_THAT(Run(store_->ReadRange(key, 15, 10)),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("past the end")));

  ASSERT_THAT(Run(store_->Remove(key)), IsOk());
  EXPECT_THAT(Run(store_->Stat(key)), StatusIs(ErrorCode::kNotFound));
  EXPECT_THAT(Run(store_->Remove(key)), IsOk()) << "removing a missing key is Ok";
  EXPECT_THAT(Run(store_->GetToFile(key, dir_.File("gone.png"))), StatusIs(ErrorCode::kNotFound));
  EXPECT_FALSE(FileExists(dir_.File("gone.png")));
  EXPECT_THAT(Run(store_->ReadRange(key, 0, 1)), StatusIs(ErrorCode::kNotFound));
}

TEST_F(S3MediaStoreTest, PutReplacesAndAnEmptyObjectRoundTrips) {
  const std::string key = prefix_ + "med_1/thumbnail.jpg";
  ASSERT_THAT(Run(store_->PutFile(key, Upload("first"), "image/jpeg")), IsOk());
  ASSERT_THAT(Run(store_->PutFile(key, Upload("second"), "image/jpeg")), IsOk());
  EXPECT_THAT(Run(store_->ReadRange(key, 0, 100)), IsOkAndHolds(std::string("second")));

  const std::string empty = prefix_ + "med_1/empty.bin";
  ASSERT_THAT(Run(store_->PutFile(empty, Upload(""), "")), IsOk());
  auto stat = Run(store_->Stat(empty));
  ASSERT_THAT(stat, IsOk());
  EXPECT_EQ(stat->size, 0);
  std::string out = dir_.File("empty.out");
  ASSERT_THAT(Run(store_->GetToFile(empty, out)), IsOk());
  EXPECT_EQ(ReadFile(out), "");
}

TEST_F(S3MediaStoreTest, KeysWithCharactersToEncodeAreSignedAsTheServerSeesThem) {
  const std::string key = prefix_ + "med 2/a+b=c (1)~$&'.png";
  ASSERT_THAT(Run(store_->PutFile(key, Upload("encoded"), "image/png")), IsOk());
  EXPECT_THAT(Run(store_->ReadRange(key, 0, 7)), IsOkAndHolds(std::string("encoded")));
  ASSERT_THAT(Run(store_->Remove(key)), IsOk());
}

TEST_F(S3MediaStoreTest, ALargeFileGoesUpInPartsAndComesBackIdentical) {
  // 40 MiB and a bit with 5 MiB parts: 9 parts, the last one short.
  const int64_t size = (40LL << 20) + 12'345;
  std::string source = dir_.File("large.mp4");
  std::string sha = WriteRandomFile(source, size, 7);
  const std::string key = prefix_ + "med_3/original.mp4";
  auto stored = Run(store_->PutFile(key, source, "video/mp4"));
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->size, size);

  auto stat = Run(store_->Stat(key));
  ASSERT_THAT(stat, IsOk());
  EXPECT_EQ(stat->size, size);
  EXPECT_EQ(stat->content_type, "video/mp4");

  std::string out = dir_.File("large.out");
  ASSERT_THAT(Run(store_->GetToFile(key, out)), IsOk());
  EXPECT_EQ(FileSha256Hex(out), sha);

  // A range across the boundary of parts 1 and 2.
  std::string whole = ReadFile(source);
  EXPECT_THAT(Run(store_->ReadRange(key, (5LL << 20) - 10, 20)),
              IsOkAndHolds(whole.substr((5u << 20) - 10, 20)));
  ASSERT_THAT(Run(store_->Remove(key)), IsOk());
}

TEST_F(S3MediaStoreTest, APresignedUrlIsFetchedWithAPlainGet) {
  const std::string key = prefix_ + "med_4/jpeg-1080.jpg";
  ASSERT_THAT(Run(store_->PutFile(key, Upload("jpeg for a network"), "image/jpeg")), IsOk());
  auto url = store_->PresignedUrl(key, base::SystemClock::Instance().Now() + std::chrono::minutes(10));
  ASSERT_THAT(url, IsOk());
  EXPECT_THAT(*url, AllOf(HasSubstr("X-Amz-Signature="), HasSubstr("X-Amz-Expires=")));
  EXPECT_THAT(*url, Not(HasSubstr(options_.secret_access_key + "&")));

  platforms::HttpRequest get;
  get.url = *url;
  auto response = Run(http_->Send(get));
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status, 200) << response->body;
  EXPECT_EQ(response->body, "jpeg for a network");

  // Tampering with the URL breaks the signature.
  get.url = *url;
  get.url.replace(get.url.find("jpeg-1080"), 4, "jpeX");
  auto tampered = Run(http_->Send(get));
  ASSERT_THAT(tampered, IsOk());
  EXPECT_EQ(tampered->status, 403);

  EXPECT_THAT(store_->PresignedUrl(key, base::SystemClock::Instance().Now() + std::chrono::days(8)),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("7 days")));
  EXPECT_THAT(store_->PresignedUrl(key, base::SystemClock::Instance().Now()),
              StatusIs(ErrorCode::kInvalidArgument));
}

TEST_F(S3MediaStoreTest, AWrongSecretIsPermissionDeniedNamingTheVariable) {
  S3Options wrong = options_;
  wrong.secret_access_key = "not-the-secret";
  auto store = Open(wrong);
  ASSERT_NE(store, nullptr);
  const std::string key = prefix_ + "med_5/original.png";
  auto put = Run(store->PutFile(key, Upload("x"), "image/png"));
  EXPECT_THAT(put, StatusIs(ErrorCode::kPermissionDenied,
                            HasSubstr("check HERALD_S3_SECRET_ACCESS_KEY")));
  if (!put.ok()) {
    EXPECT_THAT(put.error().message(), Not(HasSubstr("not-the-secret")));
    EXPECT_THAT(put.error().detail(), Not(HasSubstr("not-the-secret")));
  }
  // HEAD answers carry no body: the message names both credential variables.
  EXPECT_THAT(Run(store->Stat(key)),
              StatusIs(ErrorCode::kPermissionDenied, HasSubstr("HERALD_S3_SECRET_ACCESS_KEY")));
  EXPECT_THAT(Run(store_->Stat(key)), StatusIs(ErrorCode::kNotFound)) << "nothing was stored";
}

TEST_F(S3MediaStoreTest, AnUnknownAccessKeyOrBucketNamesTheVariableToCheck) {
  S3Options unknown_key = options_;
  unknown_key.access_key_id = "NOSUCHKEY";
  S3Options missing_bucket = options_;
  missing_bucket.bucket = "herald-no-such-bucket";
  for (const auto& [options, code, variable] :
       {std::tuple(unknown_key, ErrorCode::kPermissionDenied, "check HERALD_S3_ACCESS_KEY_ID"),
        std::tuple(missing_bucket, ErrorCode::kFailedPrecondition, "HERALD_S3_BUCKET")}) {
    auto store = Open(options);
    ASSERT_NE(store, nullptr);
    EXPECT_THAT(Run(store->PutFile(prefix_ + "a.png", Upload("x"), "image/png")),
                StatusIs(code, HasSubstr(variable)));
  }
}

TEST_F(S3MediaStoreTest, AnEndpointNobodyListensOnIsUnavailable) {
  S3Options wrong = options_;
  wrong.endpoint = "http://127.0.0.1:" + std::to_string(ClosedPort());
  auto store = Open(wrong);
  ASSERT_NE(store, nullptr);
  EXPECT_THAT(Run(store->PutFile(prefix_ + "a.png", Upload("x"), "image/png")),
              StatusIs(ErrorCode::kUnavailable, HasSubstr("cannot be reached")));
  EXPECT_THAT(Run(store->Stat(prefix_ + "a.png")), StatusIs(ErrorCode::kUnavailable));
}

}  // namespace
}  // namespace herald::media
