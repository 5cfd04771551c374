// Crypto primitives over OpenSSL 3: secure random, SHA-256, constant-time comparison, base64 and
// base64url, and AES-256-GCM sealing with a key id so keys can be rotated.
//
// A sealed value is text: "v1.<key id>.<base64url(nonce | ciphertext | tag)>". Keyring::Open
// finds the key by id, so values sealed under an older key still open after a rotation.
// All functions are thread-safe; a Keyring is immutable after setup.
#ifndef HERALD_BASE_CRYPTO_H_
#define HERALD_BASE_CRYPTO_H_

#include <map>
#include <string>
#include <string_view>

#include "base/result.h"

namespace herald::base {

inline constexpr size_t kSecretKeySize = 32;

// `n` bytes from the OS CSPRNG (OpenSSL RAND_bytes). Aborts if the generator fails.
std::string RandomBytes(size_t n);
// 32 random bytes, base64url without padding (43 characters): tokens, states, verifiers.
std::string RandomToken();

// SHA-256 of `data`: 32 raw bytes, or 64 lowercase hex digits.
std::string Sha256(std::string_view data);
std::string Sha256Hex(std::string_view data);
// SHA-256 hex of the file at `path`, read in pieces (memory does not grow with the file).
// kNotFound when it cannot be opened, kInternal for a read error.
Result<std::string> Sha256FileHex(const std::string& path);
// HMAC-SHA256 of `data` under `key`: 32 raw bytes.
std::string HmacSha256(std::string_view key, std::string_view data);

// Lowercase hex of raw bytes.
std::string HexEncode(std::string_view bytes);

// Compares in time that depends only on the lengths, not on the contents.
bool ConstantTimeEqual(std::string_view a, std::string_view b);

// RFC 4648 base64 (with padding) and base64url (without padding). Decoders reject bad input
// with kInvalidArgument; Base64Decode accepts missing padding, Base64UrlDecode accepts padding.
std::string Base64Encode(std::string_view bytes);
Result<std::string> Base64Decode(std::string_view text);
std::string Base64UrlEncode(std::string_view bytes);
Result<std::string> Base64UrlDecode(std::string_view text);

// A set of AES-256-GCM keys, one of them primary (used to seal).
class Keyring {
 public:
  // The key id of a 32-byte key: the first 8 hex digits of SHA-256("herald-key-id" | key).
  static std::string KeyIdOf(std::string_view key);

  // Adds `key` (32 raw bytes); the first key added becomes primary. Errors: kInvalidArgument
  // for a key of the wrong size.
  Result<void> Add(std::string_view key);
  // Makes the key with `key_id` primary. Errors: kNotFound.
  Result<void> SetPrimary(std::string_view key_id);
  bool empty() const { return keys_.empty(); }
  // True when the keyring holds the key with `key_id` (it can open values sealed with it).
  bool Has(std::string_view key_id) const { return keys_.find(key_id) != keys_.end(); }
  const std::string& primary_id() const { return primary_id_; }
  // A 32-byte key for `purpose` ("media-urls"), derived from the primary key (HMAC-SHA256), so
  // one secret serves several uses without reusing key material. REQUIRES: !empty().
  std::string DeriveKey(std::string_view purpose) const;

  // Seals `plaintext` under the primary key; `context` is authenticated but not stored (bind a
  // sealed value to its row, e.g. "account:acc_..."). REQUIRES: !empty().
  std::string Seal(std::string_view plaintext, std::string_view context = {}) const;
  // Opens a value made by Seal with the same context. Errors: kNotFound for an unknown key id,
  // kInvalidArgument for a malformed value, kPermissionDenied when authentication fails.
  Result<std::string> Open(std::string_view sealed, std::string_view context = {}) const;

 private:
  std::map<std::string, std::string, std::less<>> keys_;
  std::string primary_id_;
};

}  // namespace herald::base

#endif  // HERALD_BASE_CRYPTO_H_
