// S3MediaStore over a scripted HTTP client: the requests a multipart upload makes (one part at a
// time, each body at most the part size, signed with its hash), the abort on every failure,
// the mapping of S3 errors and transport failures, option checks; and OpenMediaStore's choice
// between the local and the S3 store.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "base/crypto.h"
#include "media/open_media_store.h"
#include "media/s3_media_store.h"
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
using platforms::HttpRequest;
using platforms::HttpResponse;
using testing::ScratchDir;
using testing::WriteFile;
using testing::WriteRandomFile;

constexpr const char* kSecret = "fake-secret-never-sent";

// What the store sent: method, URL, headers; the body only by size and hash.
struct Sent {
  std::string method;
  std::string url;
  platforms::HttpHeaders headers;
  size_t body_size = 0;
  std::string body_sha256;
  std::string body;  // kept when small (XML)
  std::string Header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (n == name) return v;
    }
    return "";
  }
};

class ScriptedHttp final : public platforms::HttpClient {
 public:
  using Handler = std::function<base::Result<HttpResponse>(const HttpRequest&)>;
  explicit ScriptedHttp(Handler handler) : handler_(std::move(handler)) {}

  base::Task<base::Result<HttpResponse>> Send(HttpRequest request) override {
    Sent sent{request.method, request.url, request.headers, request.body.size(),
              base::Sha256Hex(request.body), request.body.size() < 4096 ? request.body : ""};
    sent_.push_back(std::move(sent));
    co_return handler_(request);
  }

  const std::vector<Sent>& sent() const { return sent_; }

 private:
  Handler handler_;
  std::vector<Sent> sent_;
};

HttpResponse Answer(int status, std::string body = "", platforms::HttpHeaders headers = {}) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  return response;
}

HttpResponse S3Error(int status, const std::string& code) {
  return Answer(status, "<?xml version=\"1.0\"?><Error><Code>" + code +
                            "</Code><Message>S3 says no</Message></Error>");
}

bool Has(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// A multipart-capable fake: answers CreateMultipartUpload, parts (ETag "etag-N") and Complete;
// `fail_on` (if set) answers the request it matches instead.
ScriptedHttp::Handler MultipartServer(std::function<std::optional<HttpResponse>(
                                          const HttpRequest&)> fail_on = nullptr) {
  return [fail_on](const HttpRequest& r) -> base::Result<HttpResponse> {
    if (fail_on) {
      if (auto failure = fail_on(r)) return *failure;
    }
    if (r.method == "POST" && Has(r.url, "?uploads=")) {
      return Answer(200, "<InitiateMultipartUploadResult><UploadId>up/1+x</UploadId>"
                         "</InitiateMultipartUploadResult>");
    }
    if (r.method == "PUT" && Has(r.url, "partNumber=")) {
      std::string n = r.url.substr(r.url.find("partNumber=") + 11);
      n = n.substr(0, n.find('&'));
      return Answer(200, "", {{"ETag", "\"etag-" + n + "\""}});
    }
    if (r.method == "POST" && Has(r.url, "uploadId=")) {
      return Answer(200, "<CompleteMultipartUploadResult></CompleteMultipartUploadResult>");
    }
    if (r.method == "DELETE") return Answer(204);
    if (r.method == "PUT") return Answer(200);
    return Answer(500);
  };
}

class S3FakeTest : public ::testing::Test {
 protected:
  S3Options Options() const {
    S3Options options;
    options.endpoint = "https://s3.example.test";
    options.bucket = "media-bucket";
    options.region = "eu-west-3";
    options.access_key_id = "AKIDFAKE";
    options.secret_access_key = kSecret;
    options.part_size = kMinS3PartSize;
    return options;
  }

  std::unique_ptr<S3MediaStore> Store(ScriptedHttp& http, S3Options options) {
    auto store = S3MediaStore::Create(std::move(options), http, clock_);
    EXPECT_THAT(store, IsOk());
    return store.ok() ? std::move(*store) : nullptr;
  }

  template <class T>
  T Run(base::Task<T> task) {
    return RunTask(io_, std::move(task));
  }

  boost::asio::io_context io_;
  base::FakeClock clock_;
  ScratchDir dir_;
};

TEST_F(S3FakeTest, AMultipartUploadSendsOnePartAtATimeAndCompletesWithTheirETags) {
  ScriptedHttp http(MultipartServer());
  auto store = Store(http, Options());
  const int64_t size = (12LL << 20) + 1;  // 5 + 5 + 2 MiB + 1 byte
  std::string path = dir_.File("big.mp4");
  WriteRandomFile(path, size, 1);
  auto stored = Run(store->PutFile("org_1/med_2/original.mp4", path, "video/mp4"));
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->size, size);

  const auto& sent = http.sent();
  ASSERT_EQ(sent.size(), 5u);
  EXPECT_EQ(sent[0].method, "POST");
  EXPECT_EQ(sent[0].url, "https://s3.example.test/media-bucket/org_1/med_2/original.mp4?uploads=");
  EXPECT_EQ(sent[0].Header("Content-Type"), "video/mp4");
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(sent[i].method, "PUT");
    EXPECT_EQ(sent[i].url, "https://s3.example.test/media-bucket/org_1/med_2/original.mp4"
                           "?partNumber=" + std::to_string(i) + "&uploadId=up%2F1%2Bx");
    EXPECT_LE(sent[i].body_size, static_cast<size_t>(kMinS3PartSize)) << "memory: one part";
    EXPECT_EQ(sent[i].Header("x-amz-content-sha256"), sent[i].body_sha256)
        << "the payload is signed with its hash";
    EXPECT_THAT(sent[i].Header("Authorization"),
                HasSubstr("Credential=AKIDFAKE/20260101/eu-west-3/s3/aws4_request"));
  }
  EXPECT_EQ(sent[3].body_size, (2u << 20) + 1);
  EXPECT_EQ(sent[4].method, "POST");
  EXPECT_EQ(sent[4].body,
            "<CompleteMultipartUpload>"
            "<Part><PartNumber>1</PartNumber><ETag>\"etag-1\"</ETag></Part>"
            "<Part><PartNumber>2</PartNumber><ETag>\"etag-2\"</ETag></Part>"
            "<Part><PartNumber>3</PartNumber><ETag>\"etag-3\"</ETag></Part>"
            "</CompleteMultipartUpload>");
  for (const Sent& s : sent) {
    for (const auto& [name, value] : s.headers) EXPECT_THAT(value, Not(HasSubstr(kSecret)));
  }
}

TEST_F(S3FakeTest, AFailedPartAbortsTheUpload) {
  ScriptedHttp http(MultipartServer([](const HttpRequest& r) -> std::optional<HttpResponse> {
    if (Has(r.url, "partNumber=2")) return S3Error(503, "SlowDown");
    return std::nullopt;
  }));
  auto store = Store(http, Options());
  std::string path = dir_.File("big.mp4");
  WriteRandomFile(path, 11LL << 20, 2);
  EXPECT_THAT(Run(store->PutFile("o/m/original.mp4", path, "video/mp4")),
              StatusIs(ErrorCode::kUnavailable, HasSubstr("try again later")));
  ASSERT_FALSE(http.sent().empty());
  EXPECT_EQ(http.sent().back().method, "DELETE");
  EXPECT_THAT(http.sent().back().url, HasSubstr("?uploadId=up%2F1%2Bx"));
  EXPECT_EQ(http.sent().size(), 4u) << "create, part 1, part 2, abort: no part 3, no complete";
}

TEST_F(S3FakeTest, ACompleteAnsweredWithAnErrorInA200AbortsTheUpload) {
  ScriptedHttp http(MultipartServer([](const HttpRequest& r) -> std::optional<HttpResponse> {
    if (r.method == "POST" && Has(r.url, "uploadId=")) return S3Error(200, "InternalError");
    return std::nullopt;
  }));
  auto store = Store(http, Options());
  std::string path = dir_.File("big.mp4");
  WriteRandomFile(path, 6LL << 20, 3);
  EXPECT_THAT(Run(store->PutFile("o/m/original.mp4", path, "video/mp4")),
              StatusIs(ErrorCode::kUnavailable));
  EXPECT_EQ(http.sent().back().method, "DELETE");
}

TEST_F(S3FakeTest, AConnectionLostDuringAPartAbortsTheUploadAndIsUnavailable) {
  int parts = 0;
  ScriptedHttp lossy([&parts, server = MultipartServer()](const HttpRequest& r)
                         -> base::Result<HttpResponse> {
    if (Has(r.url, "partNumber=") && ++parts == 2) {
      return base::Unknown("the connection to s3.example.test was lost while sending the request");
    }
    return server(r);
  });
  auto store = Store(lossy, Options());
  std::string path = dir_.File("big.mp4");
  WriteRandomFile(path, 11LL << 20, 4);
  EXPECT_THAT(Run(store->PutFile("o/m/original.mp4", path, "video/mp4")),
              StatusIs(ErrorCode::kUnavailable,
                       AllOf(HasSubstr("S3 storage at s3.example.test cannot be reached"),
                             HasSubstr("part 2"))));
  EXPECT_EQ(lossy.sent().back().method, "DELETE");
}

TEST_F(S3FakeTest, SmallFilesAreOnePutWithTheirType) {
  ScriptedHttp http(MultipartServer());
  auto store = Store(http, Options());
  std::string path = dir_.File("a.png");
  WriteFile(path, "png");
  ASSERT_THAT(Run(store->PutFile("o/m/a.png", path, "image/png")), IsOk());
  ASSERT_EQ(http.sent().size(), 1u);
  EXPECT_EQ(http.sent()[0].method, "PUT");
  EXPECT_EQ(http.sent()[0].url, "https://s3.example.test/media-bucket/o/m/a.png");
  EXPECT_EQ(http.sent()[0].Header("Content-Type"), "image/png");
  EXPECT_EQ(http.sent()[0].Header("x-amz-content-sha256"), base::Sha256Hex("png"));
  EXPECT_THAT(http.sent()[0].Header("Authorization"),
              HasSubstr("SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date,"));

  EXPECT_THAT(Run(store->PutFile("o/m/b.png", dir_.File("missing.png"), "image/png")),
              StatusIs(ErrorCode::kNotFound));
  EXPECT_THAT(Run(store->PutFile("../b.png", path, "image/png")),
              StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(Run(store->PutFile("o/m/c.png", path, "image/png\r\nX-Evil: 1")),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("control characters")));
  EXPECT_EQ(http.sent().size(), 1u) << "bad input sends nothing";
}

TEST_F(S3FakeTest, S3ErrorsBecomeCodesThatNameWhatToCheck) {
  struct Case {
    HttpResponse answer;
    ErrorCode code;
    const char* says;
  };
  for (const Case& c : std::vector<Case>{
           {S3Error(404, "NoSuchKey"), ErrorCode::kNotFound, "no media object o/m/a.png"},
           {S3Error(404, "NoSuchBucket"), ErrorCode::kFailedPrecondition, "HERALD_S3_BUCKET"},
           {S3Error(403, "SignatureDoesNotMatch"), ErrorCode::kPermissionDenied,
            "check HERALD_S3_SECRET_ACCESS_KEY"},
           {S3Error(403, "InvalidAccessKeyId"), ErrorCode::kPermissionDenied,
            "check HERALD_S3_ACCESS_KEY_ID"},
           {S3Error(403, "AccessDenied"), ErrorCode::kPermissionDenied,
            "HERALD_S3_ACCESS_KEY_ID and HERALD_S3_SECRET_ACCESS_KEY"},
           {S3Error(400, "AuthorizationHeaderMalformed"), ErrorCode::kFailedPrecondition,
            "check HERALD_S3_REGION"},
           {S3Error(301, "PermanentRedirect"), ErrorCode::kFailedPrecondition,
            "check HERALD_S3_REGION"},
           {S3Error(403, "RequestTimeTooSkewed"), ErrorCode::kFailedPrecondition, "clock"},
           {S3Error(503, "SlowDown"), ErrorCode::kUnavailable, "unavailable (HTTP 503 SlowDown)"},
           {Answer(502, "<html>bad gateway</html>"), ErrorCode::kUnavailable, "HTTP 502"},
           {S3Error(400, "InvalidStorageClass"), ErrorCode::kFailedPrecondition,
            "HTTP 400 InvalidStorageClass"},
       }) {
    ScriptedHttp http([&c](const HttpRequest&) -> base::Result<HttpResponse> { return c.answer; });
    auto store = Store(http, Options());
    auto read = Run(store->ReadRange("o/m/a.png", 0, 10));
    EXPECT_THAT(read, StatusIs(c.code, HasSubstr(c.says))) << c.answer.body;
    if (!read.ok()) {
      EXPECT_THAT(read.error().message(), Not(HasSubstr("S3 says no"))) << "S3's text: log only";
      EXPECT_THAT(read.error().message(), Not(HasSubstr(kSecret)));
    }
  }
}

TEST_F(S3FakeTest, AnOpenEndedRangeDoesNotOverflow) {
  ScriptedHttp http([](const HttpRequest&) -> base::Result<HttpResponse> {
    return Answer(206, "tail");
  });
  auto store = Store(http, Options());
  EXPECT_THAT(Run(store->ReadRange("o/m/a.png", 5, std::numeric_limits<int64_t>::max())),
              IsOkAndHolds(std::string("tail")));
  EXPECT_EQ(http.sent().back().Header("Range"), "bytes=5-9223372036854775806");
}

TEST_F(S3FakeTest, TransportFailuresAreUnavailableAndARefusedEndpointNamesTheVariable) {
  ScriptedHttp down([](const HttpRequest&) -> base::Result<HttpResponse> {
    return base::Unavailable("could not connect to s3.example.test");
  });
  EXPECT_THAT(Run(Store(down, Options())->Stat("o/m/a.png")),
              StatusIs(ErrorCode::kUnavailable, HasSubstr("cannot be reached")));
  ScriptedHttp refused([](const HttpRequest&) -> base::Result<HttpResponse> {
    return base::InvalidArgument("plain http:// is only allowed to loopback addresses");
  });
  EXPECT_THAT(Run(Store(refused, Options())->Stat("o/m/a.png")),
              StatusIs(ErrorCode::kFailedPrecondition, HasSubstr("check HERALD_S3_ENDPOINT")));
}

TEST_F(S3FakeTest, AnEndpointPathPrefixIsKeptAndTheDefaultPortLeftOut) {
  ScriptedHttp http(MultipartServer());
  S3Options options = Options();
  options.endpoint = "https://objects.example.test:443/s3/";
  auto store = Store(http, options);
  ASSERT_THAT(Run(store->Remove("o/m/a b.png")), IsOk());
  EXPECT_EQ(http.sent().back().url, "https://objects.example.test/s3/media-bucket/o/m/a%20b.png");
  auto url = store->PresignedUrl("o/m/a.png", clock_.Now() + std::chrono::hours(1));
  ASSERT_THAT(url, IsOk());
  EXPECT_THAT(*url, HasSubstr("https://objects.example.test/s3/media-bucket/o/m/a.png?"));
  EXPECT_THAT(*url, HasSubstr("X-Amz-Expires=3600&"));
}

TEST_F(S3FakeTest, OptionsAreCheckedNamingTheVariable) {
  ScriptedHttp http(MultipartServer());
  auto with = [&](auto change) {
    S3Options options = Options();
    change(options);
    return S3MediaStore::Create(options, http, clock_);
  };
  EXPECT_THAT(with([](S3Options& o) { o.secret_access_key.clear(); }),
              StatusIs(ErrorCode::kFailedPrecondition, HasSubstr("HERALD_S3_SECRET_ACCESS_KEY")));
  EXPECT_THAT(with([](S3Options& o) { o.endpoint = "ftp://s3.example.test"; }),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("HERALD_S3_ENDPOINT")));
  EXPECT_THAT(with([](S3Options& o) { o.endpoint = "https://user:pw@s3.example.test"; }),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("HERALD_S3_ENDPOINT")));
  EXPECT_THAT(with([](S3Options& o) { o.bucket = "Bad_Bucket!"; }),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("HERALD_S3_BUCKET")));
  EXPECT_THAT(with([](S3Options& o) { o.part_size = 4 << 20; }),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("5 MiB")));
}

TEST(OpenMediaStoreTest, TheLocalStoreUnlessAnS3EndpointIsSet) {
  ScratchDir dir;
  MediaStoreConfig config;
  config.data_dir = dir.path();
  auto local = OpenMediaStore(config);
  ASSERT_THAT(local, IsOk());
  EXPECT_EQ((*local)->Kind(), "local");
  EXPECT_EQ((*local)->LocalPath("o/m/a.png"), dir.path() + "/media/o/m/a.png");

  config.s3.endpoint = "https://s3.example.test";
  config.s3.bucket = "media";
  config.s3.access_key_id = "AKID";
  config.s3.secret_access_key = "secret";
  auto s3 = OpenMediaStore(config);
  ASSERT_THAT(s3, IsOk());
  EXPECT_EQ((*s3)->Kind(), "s3");
}

TEST(OpenMediaStoreTest, APartialS3ConfigurationNamesTheMissingVariable) {
  MediaStoreConfig config;
  config.data_dir = "/nonexistent";
  config.s3.bucket = "media";
  EXPECT_THAT(OpenMediaStore(config),
              StatusIs(ErrorCode::kFailedPrecondition,
                       AllOf(HasSubstr("HERALD_S3_BUCKET is set"), HasSubstr("HERALD_S3_ENDPOINT"))));
  config.s3.endpoint = "https://s3.example.test";
  EXPECT_THAT(OpenMediaStore(config),
              StatusIs(ErrorCode::kFailedPrecondition, HasSubstr("HERALD_S3_ACCESS_KEY_ID")));
  config.s3.access_key_id = "AKID";
  EXPECT_THAT(OpenMediaStore(config),
              StatusIs(ErrorCode::kFailedPrecondition, HasSubstr("HERALD_S3_SECRET_ACCESS_KEY")));
}

}  // namespace
}  // namespace herald::media
