// AWS Signature Version 4: the examples of the S3 documentation ("Signature Calculations for the
// Authorization Header" and "Query String Authentication"), with their example credentials and
// the clock at 2013-05-24T00:00:00Z, matched byte for byte; the URI encoding rules; presign
// limits.
#include "media/aws_sigv4.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/crypto.h"
#include "tests/support/result_matchers.h"

namespace herald::media {
namespace {

using ::herald::matchers::IsOk;
using ::herald::matchers::IsOkAndHolds;
using ::herald::matchers::StatusIs;
using ::testing::HasSubstr;

constexpr const char* kExampleHost = "examplebucket.s3.amazonaws.com";

class SigV4Test : public ::testing::Test {
 protected:
  SigV4Test()
      : clock_(base::FromUnixMicros(1'369'353'600'000'000)),  // 2013-05-24T00:00:00Z
        signer_({.access_key_id = "AKIAIOSFODNN7EXAMPLE",
                 .secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                 .region = "us-east-1"},
                clock_) {}

  static SigV4Request Request(std::string method, std::string path,
                              std::vector<std::pair<std::string, std::string>> query = {},
                              platforms::HttpHeaders headers = {}) {
    SigV4Request r;
    r.method = std::move(method);
    r.host = kExampleHost;
    r.path = std::move(path);
    r.query = std::move(query);
    r.headers = std::move(headers);
    return r;
  }

  static std::string HeaderOf(const platforms::HttpHeaders& headers, std::string_view name) {
    for (const auto& [n, v] : headers) {
      if (n == name) return v;
    }
    return "";
  }

  base::FakeClock clock_;
  SigV4Signer signer_;
};

TEST_F(SigV4Test, GetObjectWithRangeMatchesTheAwsExample) {
  SigV4Request request = Request("GET", "/test.txt", {}, {{"Range", "bytes=0-9"}});
  EXPECT_EQ(signer_.CanonicalRequest(request, "20130524T000000Z"),
            "GET\n"
            "/test.txt\n"
            "\n"
            "host:examplebucket.s3.amazonaws.com\n"
            "range:bytes=0-9\n"
            "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
            "x-amz-date:20130524T000000Z\n"
            "\n"
            "host;range;x-amz-content-sha256;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(signer_.StringToSign(signer_.CanonicalRequest(request, "20130524T000000Z"),
                                 "20130524T000000Z"),
            "AWS4-HMAC-SHA256\n"
            "20130524T000000Z\n"
            "20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  platforms::HttpHeaders headers = signer_.Sign(request);
  EXPECT_EQ(HeaderOf(headers, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(HeaderOf(headers, "x-amz-date"), "20130524T000000Z");
  EXPECT_EQ(HeaderOf(headers, "x-amz-content-sha256"), kEmptyPayloadSha256);
}

TEST_F(SigV4Test, PutObjectWithAnEncodedKeyMatchesTheAwsExample) {
  const std::string body = "Welcome to Amazon S3.";
  SigV4Request request = Request("PUT", "/test$file.text", {},
                                 {{"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                                  {"x-amz-storage-class", "REDUCED_REDUNDANCY"}});
  request.payload_sha256 = base::Sha256Hex(body);
  EXPECT_EQ(request.payload_sha256,
            "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  EXPECT_THAT(signer_.CanonicalRequest(request, "20130524T000000Z"),
              ::testing::StartsWith("PUT\n/test%24file.text\n\n"));
  EXPECT_EQ(HeaderOf(signer_.Sign(request), "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
            "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST_F(SigV4Test, GetBucketLifecycleSignsAValuelessParameter) {
  SigV4Request request = Request("GET", "/", {{"lifecycle", ""}});
  EXPECT_THAT(HeaderOf(signer_.Sign(request), "Authorization"),
              HasSubstr("Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"));
}

TEST_F(SigV4Test, ListObjectsSortsTheQuery) {
  SigV4Request request = Request("GET", "/", {{"prefix", "J"}, {"max-keys", "2"}});
  EXPECT_THAT(HeaderOf(signer_.Sign(request), "Authorization"),
              HasSubstr("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"));
}

TEST_F(SigV4Test, PresignedGetMatchesTheAwsExample) {
  SigV4Request request = Request("GET", "/test.txt");
  EXPECT_THAT(
      signer_.Presign("https", request, std::chrono::seconds(86'400)),
      IsOkAndHolds(std::string(
          "https://examplebucket.s3.amazonaws.com/test.txt"
          "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
          "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
          "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
          "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")));
}

TEST_F(SigV4Test, PresignAcceptsOneSecondToSevenDays) {
  SigV4Request request = Request("GET", "/test.txt");
  auto week = signer_.Presign("https", request, std::chrono::seconds(604'800));
  ASSERT_THAT(week, IsOk());
  EXPECT_THAT(*week, HasSubstr("X-Amz-Expires=604800&"));
  EXPECT_THAT(signer_.Presign("https", request, std::chrono::seconds(604'801)),
              StatusIs(base::ErrorCode::kInvalidArgument, HasSubstr("7 days")));
  EXPECT_THAT(signer_.Presign("https", request, std::chrono::seconds(0)),
              StatusIs(base::ErrorCode::kInvalidArgument));
}

TEST_F(SigV4Test, TheDateAndTheSignatureFollowTheClock) {
  SigV4Request request = Request("GET", "/test.txt");
  std::string before = HeaderOf(signer_.Sign(request), "Authorization");
  clock_.Advance(std::chrono::hours(24));
  platforms::HttpHeaders after = signer_.Sign(request);
  EXPECT_EQ(HeaderOf(after, "x-amz-date"), "20130525T000000Z");
  EXPECT_THAT(HeaderOf(after, "Authorization"), HasSubstr("/20130525/us-east-1/s3/aws4_request"));
  EXPECT_NE(HeaderOf(after, "Authorization"), before);
}

TEST(SigV4EncodingTest, EachSegmentIsEncodedOnceAndSlashesAreKept) {
  EXPECT_EQ(CanonicalUri("/bucket/org_1/med 2/a+b=c.png"), "/bucket/org_1/med%202/a%2Bb%3Dc.png");
  EXPECT_EQ(CanonicalUri("/b/%41"), "/b/%2541");  // a '%' in a key is data, encoded again
  EXPECT_EQ(CanonicalUri("/b/ключ~x"), "/b/%D0%BA%D0%BB%D1%8E%D1%87~x");
  EXPECT_EQ(CanonicalUri(""), "/");
  EXPECT_EQ(AwsUriEncode("a/b c*!'()", true), "a%2Fb%20c%2A%21%27%28%29");
  EXPECT_EQ(AwsUriEncode("A-z_0.9~", true), "A-z_0.9~");
}

TEST(SigV4EncodingTest, TheQueryIsEncodedAndSortedWithEmptyValuesKept) {
  EXPECT_EQ(CanonicalQuery({{"uploadId", "a/b+c=="}, {"partNumber", "2"}}),
            "partNumber=2&uploadId=a%2Fb%2Bc%3D%3D");
  EXPECT_EQ(CanonicalQuery({{"uploads", ""}}), "uploads=");
  EXPECT_EQ(CanonicalQuery({}), "");
}

TEST(SigV4EncodingTest, AmzDateIsCompactUtc) {
  EXPECT_EQ(AmzDate(base::FromUnixMicros(951'782'400'123'456)), "20000229T000000Z");
}

}  // namespace
}  // namespace herald::media
