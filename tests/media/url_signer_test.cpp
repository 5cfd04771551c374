// UrlSigner: signed, expiring /media URLs; any change to id, file or expiry breaks the signature.
#include "media/url_signer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "http/router.h"
#include "tests/support/result_matchers.h"

using ::herald::matchers::IsOk;

namespace herald::media {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kKey(32, 'k');
const base::Time kNow = base::FromUnixMicros(1'767'225'600'000'000);  // 2026-01-01T00:00Z
const base::Time kExpires = kNow + std::chrono::hours(1);

struct Parts {
  std::string exp, sig;
};

Parts Split(const std::string& url) {
  auto q = http::ParseQuery(url.substr(url.find('?') + 1));
  Parts p;
  for (auto& [k, v] : q) (k == "exp" ? p.exp : p.sig) = v;
  return p;
}

TEST(UrlSignerTest, SignsAndVerifies) {
  UrlSigner signer(kKey, "https://herald.example/");
  auto url = signer.Sign("med_1", "original.png", kExpires);
  ASSERT_THAT(url, IsOk());
  EXPECT_THAT(*url, StartsWith("https://herald.example/media/med_1/original.png?exp=1767229200&sig="));
  Parts p = Split(*url);
  EXPECT_THAT(signer.Verify("med_1", "original.png", p.exp, p.sig, kNow), IsOk());
  // Still good at the expiry second itself.
  EXPECT_THAT(signer.Verify("med_1", "original.png", p.exp, p.sig, kExpires), IsOk());
}

TEST(UrlSignerTest, TamperedPartsAreRefused) {
  UrlSigner signer(kKey, "https://herald.example");
  Parts p = Split(*signer.Sign("med_1", "original.png", kExpires));
  auto code = [&](std::string_view id, std::string_view file, std::string_view exp,
                  std::string_view sig) {
    return signer.Verify(id, file, exp, sig, kNow).error().code();
  };
  EXPECT_EQ(code("med_2", "original.png", p.exp, p.sig), base::ErrorCode::kPermissionDenied);
  EXPECT_EQ(code("med_1", "thumbnail.jpg", p.exp, p.sig), base::ErrorCode::kPermissionDenied);
  EXPECT_EQ(code("med_1", "original.png", std::to_string(std::stoll(p.exp) + 3600), p.sig),
            base::ErrorCode::kPermissionDenied);
  std::string flipped = p.sig;
  flipped[0] = flipped[0] == 'A' ? 'B' : 'A';
  EXPECT_EQ(code("med_1", "original.png", p.exp, flipped), base::ErrorCode::kPermissionDenied);
  EXPECT_EQ(code("med_1", "original.png", p.exp, ""), base::ErrorCode::kPermissionDenied);
  EXPECT_EQ(code("med_1", "original.png", "12x", p.sig), base::ErrorCode::kInvalidArgument);
  EXPECT_EQ(code("med_1", "original.png", "", p.sig), base::ErrorCode::kInvalidArgument);
}

TEST(UrlSignerTest, ExpiredIsRefused) {
  UrlSigner signer(kKey, "https://herald.example");
  Parts p = Split(*signer.Sign("med_1", "original.png", kExpires));
  auto r = signer.Verify("med_1", "original.png", p.exp, p.sig, kExpires + std::chrono::seconds(1));
  EXPECT_EQ(r.error().code(), base::ErrorCode::kDeadlineExceeded);
}

TEST(UrlSignerTest, AnotherKeyDoesNotVerify) {
  UrlSigner signer(kKey, "https://herald.example");
  UrlSigner other(std::string(32, 'x'), "https://herald.example");
  Parts p = Split(*signer.Sign("med_1", "original.png", kExpires));
  EXPECT_EQ(other.Verify("med_1", "original.png", p.exp, p.sig, kNow).error().code(),
            base::ErrorCode::kPermissionDenied);
}

TEST(UrlSignerTest, NoPublicUrlSaysWhatToSet) {
  UrlSigner signer(kKey, "");
  EXPECT_FALSE(signer.has_public_url());
  auto url = signer.Sign("med_1", "original.png", kExpires);
  ASSERT_FALSE(url.ok());
  EXPECT_EQ(url.error().code(), base::ErrorCode::kFailedPrecondition);
  EXPECT_THAT(url.error().message(), HasSubstr("HERALD_PUBLIC_URL"));
}

}  // namespace
}  // namespace herald::media
