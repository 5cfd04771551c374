#include "base/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace herald::base {
namespace {

constexpr size_t kNonceSize = 12;
constexpr size_t kTagSize = 16;
constexpr std::string_view kSealVersion = "v1";

const unsigned char* U(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kB64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Encode(std::string_view in, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  auto b = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(in[k])); };
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t v = (b(i) << 16) | (b(i + 1) << 8) | b(i + 2);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  size_t rest = in.size() - i;
  if (rest == 1) {
    uint32_t v = b(i) << 16;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    if (pad) out += "==";
  } else if (rest == 2) {
    uint32_t v = (b(i) << 16) | (b(i + 1) << 8);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    if (pad) out += '=';
  }
  return out;
}

Result<std::string> Decode(std::string_view in, bool url, const char* what) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  if (in.size() % 4 == 1) return InvalidArgument(std::string(what) + " has a bad length");
  std::string out;
  out.reserve(in.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == (url ? '-' : '+')) v = 62;
    else if (c == (url ? '_' : '/')) v = 63;
    else return InvalidArgument(std::string(what) + " contains a character outside its alphabet");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

}  // namespace

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    std::fputs("herald: the system random generator failed\n", stderr);
    std::abort();
  }
  return out;
}

std::string RandomToken() { return Base64UrlEncode(RandomBytes(32)); }

std::string Sha256(std::string_view data) {
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  SHA256(U(data), data.size(), reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::string Sha256Hex(std::string_view data) { return HexEncode(Sha256(data)); }

Result<std::string> Sha256FileHex(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) return NotFound("cannot open the file to hash it");
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    return Internal("SHA-256 is not available");
  }
  std::string buffer(1 << 16, '\0');
  for (;;) {
    size_t n = std::fread(buffer.data(), 1, buffer.size(), file.get());
    if (n > 0) EVP_DigestUpdate(ctx.get(), buffer.data(), n);
    if (n < buffer.size()) break;
  }
  if (std::ferror(file.get())) return Internal("reading the file to hash it failed");
  std::string digest(EVP_MAX_MD_SIZE, '\0');
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(digest.data()), &len);
  digest.resize(len);
  return HexEncode(digest);
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  std::string out(EVP_MAX_MD_SIZE, '\0');
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), U(data), data.size(),
       reinterpret_cast<unsigned char*>(out.data()), &len);
  out.resize(len);
  return out;
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string Base64Encode(std::string_view bytes) { return Encode(bytes, kB64, true); }
Result<std::string> Base64Decode(std::string_view text) { return Decode(text, false, "base64"); }
std::string Base64UrlEncode(std::string_view bytes) { return Encode(bytes, kB64Url, false); }
Result<std::string> Base64UrlDecode(std::string_view text) {
  return Decode(text, true, "base64url");
}

std::string Keyring::KeyIdOf(std::string_view key) {
  return Sha256Hex(std::string("herald-key-id|") + std::string(key)).substr(0, 8);
}

std::string Keyring::DeriveKey(std::string_view purpose) const {
  return HmacSha256(keys_.at(primary_id_), "herald-derive:" + std::string(purpose));
}

Result<void> Keyring::Add(std::string_view key) {
  if (key.size() != kSecretKeySize) {
    return InvalidArgument("a secret key must be exactly 32 bytes, got " +
                           std::to_string(key.size()));
  }
  std::string id = KeyIdOf(key);
  keys_[id] = std::string(key);
  if (primary_id_.empty()) primary_id_ = id;
  return Ok();
}

Result<void> Keyring::SetPrimary(std::string_view key_id) {
  if (keys_.find(key_id) == keys_.end()) {
    return NotFound("no key with id '" + std::string(key_id) + "'");
  }
  primary_id_ = std::string(key_id);
  return Ok();
}

std::string Keyring::Seal(std::string_view plaintext, std::string_view context) const {
  const std::string& key = keys_.at(primary_id_);
  std::string nonce = RandomBytes(kNonceSize);
  std::string blob(kNonceSize + plaintext.size() + kTagSize, '\0');
  std::copy(nonce.begin(), nonce.end(), blob.begin());
  auto* ct = reinterpret_cast<unsigned char*>(blob.data() + kNonceSize);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  bool ok = ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceSize, nullptr) == 1 &&
            EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, U(key), U(nonce)) == 1 &&
            (context.empty() ||
             EVP_EncryptUpdate(ctx.get(), nullptr, &len, U(context),
                               static_cast<int>(context.size())) == 1) &&
            EVP_EncryptUpdate(ctx.get(), ct, &len, U(plaintext),
                              static_cast<int>(plaintext.size())) == 1 &&
            EVP_EncryptFinal_ex(ctx.get(), ct + len, &len) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize,
                                ct + plaintext.size()) == 1;
  if (!ok) {
    std::fputs("herald: AES-256-GCM encryption failed\n", stderr);
    std::abort();
  }
  std::string out(kSealVersion);
  out += '.';
  out += primary_id_;
  out += '.';
  out += Base64UrlEncode(blob);
  return out;
}

Result<std::string> Keyring::Open(std::string_view sealed, std::string_view context) const {
  size_t dot1 = sealed.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : sealed.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || sealed.substr(0, dot1) != kSealVersion) {
    return InvalidArgument("not a sealed value");
  }
  std::string_view key_id = sealed.substr(dot1 + 1, dot2 - dot1 - 1);
  auto it = keys_.find(key_id);
  if (it == keys_.end()) {
    return NotFound("sealed with an unknown key (id " + std::string(key_id) +
                    "); is HERALD_SECRET_KEY the key this data was written with?");
  }
  HERALD_ASSIGN_OR_RETURN(std::string blob, Base64UrlDecode(sealed.substr(dot2 + 1)));
  if (blob.size() < kNonceSize + kTagSize) return InvalidArgument("sealed value is too short");
  size_t ct_len = blob.size() - kNonceSize - kTagSize;
  std::string plain(ct_len, '\0');
  const std::string& key = it->second;
  std::string tag = blob.substr(kNonceSize + ct_len);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  auto* out = reinterpret_cast<unsigned char*>(plain.data());
  bool ok = ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceSize, nullptr) == 1 &&
            EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, U(key), U(blob)) == 1 &&
            (context.empty() ||
             EVP_DecryptUpdate(ctx.get(), nullptr, &len, U(context),
                               static_cast<int>(context.size())) == 1) &&
            EVP_DecryptUpdate(ctx.get(), out, &len,
                              U(std::string_view(blob).substr(kNonceSize, ct_len)),
                              static_cast<int>(ct_len)) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag.data()) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(), out + len, &len) == 1;
  if (!ok) return PermissionDenied("sealed value failed authentication");
  return plain;
}

}  // namespace herald::base
