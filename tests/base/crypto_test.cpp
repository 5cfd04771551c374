#include "base/crypto.h"
#include "tests/support/result_matchers.h"

#include <gtest/gtest.h>

namespace herald::base {
namespace {

using ::herald::matchers::IsOk;

using ::herald::matchers::StatusIs;

TEST(CryptoTest, Sha256KnownAnswer) {
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256("").size(), 32u);
}

TEST(CryptoTest, HmacKnownAnswer) {
  // RFC 4231 test case 2.
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(CryptoTest, Base64RoundTrips) {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xff\xfe\x00z"}) {
    EXPECT_EQ(*Base64Decode(Base64Encode(s)), s);
    EXPECT_EQ(*Base64UrlDecode(Base64UrlEncode(s)), s);
  }
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_FALSE(Base64Decode("Zm9v!").ok());
  EXPECT_FALSE(Base64UrlDecode("a").ok());
}

TEST(CryptoTest, RandomTokensDiffer) {
  EXPECT_EQ(RandomToken().size(), 43u);
  EXPECT_NE(RandomToken(), RandomToken());
  EXPECT_EQ(RandomBytes(17).size(), 17u);
}

TEST(CryptoTest, ConstantTimeEqual) {
  EXPECT_TRUE(ConstantTimeEqual("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abcd"));
}

TEST(KeyringTest, SealOpenAndContext) {
  Keyring ring;
  ASSERT_THAT(ring.Add(RandomBytes(32)), IsOk());
  std::string sealed = ring.Seal("token-123", "account:acc_1");
  EXPECT_EQ(sealed.find("token-123"), std::string::npos);
  EXPECT_EQ(sealed.substr(0, 3), "v1.");
  EXPECT_EQ(*ring.Open(sealed, "account:acc_1"), "token-123");
  auto wrong_context = ring.Open(sealed, "account:acc_2");
  ASSERT_THAT(wrong_context, StatusIs(ErrorCode::kPermissionDenied));
  // Two seals of the same text differ (random nonce).
  EXPECT_NE(ring.Seal("x"), ring.Seal("x"));
}

TEST(KeyringTest, TamperingIsDetected) {
  Keyring ring;
  ASSERT_THAT(ring.Add(RandomBytes(32)), IsOk());
  std::string sealed = ring.Seal("secret");
  // Flip one character of every position but the last (whose low bits may be padding only):
  // each change alters the nonce, ciphertext or tag and must fail authentication.
  size_t body = sealed.rfind('.') + 1;
  for (size_t i = body; i + 1 < sealed.size(); ++i) {
    std::string tampered = sealed;
    tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(ring.Open(tampered).ok()) << "position " << i;
  }
  EXPECT_FALSE(ring.Open("garbage").ok());
  EXPECT_FALSE(ring.Open("v1.deadbeef.AAAA").ok());
}

TEST(KeyringTest, RotationKeepsOldValuesReadable) {
  std::string old_key = RandomBytes(32), new_key = RandomBytes(32);
  Keyring before;
  ASSERT_THAT(before.Add(old_key), IsOk());
  std::string sealed_old = before.Seal("v-old");

  Keyring after;
  ASSERT_THAT(after.Add(new_key), IsOk());
  ASSERT_THAT(after.Add(old_key), IsOk());
  EXPECT_EQ(after.primary_id(), Keyring::KeyIdOf(new_key));
  EXPECT_EQ(*after.Open(sealed_old), "v-old");
  std::string sealed_new = after.Seal("v-new");
  EXPECT_NE(sealed_new.find(Keyring::KeyIdOf(new_key)), std::string::npos);
  auto unknown = before.Open(sealed_new);
  ASSERT_THAT(unknown, StatusIs(ErrorCode::kNotFound));
  EXPECT_FALSE(after.Add("short").ok());
}

}  // namespace
}  // namespace herald::base
