#include "tests/media/store_test_support.h"

#include <openssl/evp.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <vector>

#include "base/crypto.h"

namespace herald::media::testing {
namespace {

struct Sha256Stream {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), EVP_MD_CTX_free};
  Sha256Stream() { EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr); }
  void Update(const char* data, size_t n) { EVP_DigestUpdate(ctx.get(), data, n); }
  std::string HexDigest() {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx.get(), out, &n);
    return base::HexEncode(std::string(reinterpret_cast<const char*>(out), n));
  }
};

}  // namespace

ScratchDir::ScratchDir(const std::string& parent) {
  std::string base = parent;
  if (base.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    base = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  }
  std::string pattern = base + "/herald-media-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) std::abort();
  path_ = buffer.data();
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "<missing>";
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool FileExists(const std::string& path) { return std::filesystem::exists(path); }

std::string FileSha256Hex(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  Sha256Stream sha;
  std::vector<char> chunk(1 << 20);
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    sha.Update(chunk.data(), static_cast<size_t>(in.gcount()));
  }
  return sha.HexDigest();
}

std::string WriteRandomFile(const std::string& path, int64_t size, uint32_t seed) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  std::mt19937_64 random(seed);
  Sha256Stream sha;
  std::vector<uint64_t> chunk((1 << 20) / sizeof(uint64_t));
  int64_t left = size;
  while (left > 0) {
    for (uint64_t& word : chunk) word = random();
    size_t n = static_cast<size_t>(std::min<int64_t>(left, 1 << 20));
    const char* bytes = reinterpret_cast<const char*>(chunk.data());
    out.write(bytes, static_cast<std::streamsize>(n));
    sha.Update(bytes, n);
    left -= static_cast<int64_t>(n);
  }
  return sha.HexDigest();
}

}  // namespace herald::media::testing
