// LoadKeyring: the key given by the configuration (HERALD_SECRET_KEY) or <data>/secret.key
// (generated once, mode 0600), retired keys (HERALD_SECRET_KEYS_OLD); bad keys and unsafe files
// refused; nothing ever overwritten.
#include "store/secret_key.h"
#include "tests/support/result_matchers.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace herald::store {
namespace {

using ::herald::matchers::IsOk;
using ::herald::matchers::StatusIs;
using base::ErrorCode;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

class SecretKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/herald-secret-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    key_file_ = dir_ + "/secret.key";
  }
  void TearDown() override {
    std::filesystem::remove_all(dir_);
  }
  void WriteKeyFile(const std::string& text, mode_t mode) {
    std::ofstream(key_file_) << text;
    ASSERT_EQ(::chmod(key_file_.c_str(), mode), 0);
  }

  std::string dir_;
  std::string key_file_;
};

TEST_F(SecretKeyTest, KeyFromEnvironmentAndNoFileWritten) {
  std::string key = base::RandomBytes(32);
  auto ring = LoadKeyring(dir_, {.secret_key = base::Base64Encode(key), .old_keys = {}});
  ASSERT_THAT(ring, IsOk());
  EXPECT_EQ(ring->primary_id(), base::Keyring::KeyIdOf(key));
  EXPECT_FALSE(std::filesystem::exists(key_file_));
}

TEST_F(SecretKeyTest, EnvironmentKeyOfWrongSizeOrBadBase64IsRefused) {
  auto ring =
      LoadKeyring(dir_, {.secret_key = base::Base64Encode(base::RandomBytes(16)), .old_keys = {}});
  ASSERT_THAT(ring, StatusIs(ErrorCode::kFailedPrecondition));
  EXPECT_EQ(ring.error().message(), "HERALD_SECRET_KEY must hold 32 bytes (base64), found 16");

  ring = LoadKeyring(dir_, {.secret_key = "!!!not*base64!!!", .old_keys = {}});
  ASSERT_THAT(ring, StatusIs(ErrorCode::kFailedPrecondition));
  EXPECT_EQ(ring.error().message(), "HERALD_SECRET_KEY is not valid base64");
  EXPECT_EQ(ring.error().message().find("!!!"), std::string::npos);
}

TEST_F(SecretKeyTest, GeneratesKeyFileOnceWithMode0600) {
  const std::string data = dir_ + "/new/data";  // created when missing
  const std::string file = data + "/secret.key";
  auto first = LoadKeyring(data);
  ASSERT_THAT(first, IsOk());
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string text = Slurp(file);
  auto decoded = base::Base64Decode(text.substr(0, text.find('\n')));
  ASSERT_THAT(decoded, IsOk());
  EXPECT_EQ(decoded->size(), 32u);
  EXPECT_EQ(first->primary_id(), base::Keyring::KeyIdOf(*decoded));

  auto second = LoadKeyring(data);
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(second->primary_id(), first->primary_id());
  EXPECT_EQ(Slurp(file), text);  // never rewritten
  // No temporary files left behind.
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(data)) ++entries;
  EXPECT_EQ(entries, 1u);

  // A value sealed by the first load opens with the second.
  std::string sealed = first->Seal("token", "ctx");
  auto opened = second->Open(sealed, "ctx");
  ASSERT_THAT(opened, IsOk());
  EXPECT_EQ(*opened, "token");
}

TEST_F(SecretKeyTest, GroupReadableKeyFileIsRefusedAndLeftAlone) {
  const std::string text = base::Base64Encode(base::RandomBytes(32)) + "\n";
  WriteKeyFile(text, 0640);
  auto ring = LoadKeyring(dir_);
  ASSERT_THAT(ring, StatusIs(ErrorCode::kFailedPrecondition));
  EXPECT_EQ(ring.error().message(),
            key_file_ + " is readable by other users; run: chmod 600 " + key_file_);
  EXPECT_EQ(Slurp(key_file_), text);
  struct stat st {};
  ASSERT_EQ(::stat(key_file_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
}

TEST_F(SecretKeyTest, WrongSizeOrCorruptKeyFileIsRefusedAndLeftAlone) {
  for (const std::string& text : {base::Base64Encode(base::RandomBytes(31)) + "\n",
                                 std::string("%%%% not base64 %%%%\n"), std::string("")}) {
    WriteKeyFile(text, 0600);
    auto ring = LoadKeyring(dir_);
    ASSERT_THAT(ring, StatusIs(ErrorCode::kFailedPrecondition)) << text;
    EXPECT_EQ(ring.error().message().rfind(key_file_, 0), 0u) << ring.error().message();
    EXPECT_EQ(ring.error().message().find('\n'), std::string::npos);
    EXPECT_EQ(Slurp(key_file_), text);
  }
}

TEST_F(SecretKeyTest, OldKeysOpenValuesSealedBeforeRotation) {
  base::Keyring old_ring;
  std::string old_key = base::RandomBytes(32);
  ASSERT_THAT(old_ring.Add(old_key), IsOk());
  std::string sealed = old_ring.Seal("token", "ctx");

  std::string new_key = base::RandomBytes(32);
  KeyringSecrets secrets{.secret_key = base::Base64Encode(new_key),
                         .old_keys = {" " + base::Base64Encode(old_key), " "}};
  auto ring = LoadKeyring(dir_, secrets);
  ASSERT_THAT(ring, IsOk());
  EXPECT_EQ(ring->primary_id(), base::Keyring::KeyIdOf(new_key));
  auto opened = ring->Open(sealed, "ctx");
  ASSERT_THAT(opened, IsOk());
  EXPECT_EQ(*opened, "token");

  secrets.old_keys = {"short"};
  ring = LoadKeyring(dir_, secrets);
  ASSERT_THAT(ring, StatusIs(ErrorCode::kFailedPrecondition));
}

TEST_F(SecretKeyTest, KeyFileThatIsADirectoryIsRefused) {
  std::filesystem::create_directory(key_file_);
  ::chmod(key_file_.c_str(), 0700);
  auto ring = LoadKeyring(dir_);
  ASSERT_THAT(ring, StatusIs(ErrorCode::kFailedPrecondition));
  EXPECT_TRUE(std::filesystem::is_directory(key_file_));
}

}  // namespace
}  // namespace herald::store
