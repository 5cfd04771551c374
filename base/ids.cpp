#include "base/ids.h"

#include <array>
#include <cstdint>
#include <mutex>

#include "base/crypto.h"

namespace herald::base {
namespace {

constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr size_t kBodyLength = 26;

// State shared by all callers so ids made in the same millisecond still increase.
struct Monotonic {
  std::mutex mu;
  uint64_t last_ms = 0;
  std::array<uint8_t, 10> last_random{};
};

Monotonic& State() {
  static Monotonic state;
  return state;
}

// Increments a big-endian 80-bit number; returns false on overflow.
bool Increment(std::array<uint8_t, 10>& r) {
  for (int i = 9; i >= 0; --i) {
    if (++r[static_cast<size_t>(i)] != 0) return true;
  }
  return false;
}

}  // namespace

std::string NewId(std::string_view prefix, Time now) {
  uint64_t ms = static_cast<uint64_t>(ToUnixMicros(now) / 1000);
  std::array<uint8_t, 10> random{};
  {
    Monotonic& s = State();
    std::lock_guard<std::mutex> lock(s.mu);
    if (ms <= s.last_ms) {
      ms = s.last_ms;
      random = s.last_random;
      if (!Increment(random)) {
        ++ms;
        random = {};
      }
    } else {
      std::string bytes = RandomBytes(random.size());
      for (size_t i = 0; i < random.size(); ++i) random[i] = static_cast<uint8_t>(bytes[i]);
      random[0] &= 0x7f;  // leave room to increment within one millisecond
    }
    s.last_ms = ms;
    s.last_random = random;
  }
  // 128 bits, big-endian: 48-bit time then 80-bit random, written as 26 base32 digits
  // (130 bits, the top 2 always zero).
  std::array<uint8_t, 16> bytes{};
  for (size_t i = 0; i < 6; ++i) bytes[i] = static_cast<uint8_t>(ms >> (8 * (5 - i)));
  for (size_t i = 0; i < random.size(); ++i) bytes[6 + i] = random[i];
  auto bit = [&bytes](int index) -> int {  // index 0 = most significant of the 130 bits
    int b = index - 2;
    if (b < 0) return 0;
    return (bytes[static_cast<size_t>(b / 8)] >> (7 - b % 8)) & 1;
  };
  std::string out;
  out.reserve(prefix.size() + 1 + kBodyLength);
  out.append(prefix);
  out.push_back('_');
  char body[kBodyLength];
  for (size_t i = 0; i < kBodyLength; ++i) {
    int v = 0;
    for (int k = 0; k < 5; ++k) v = (v << 1) | bit(static_cast<int>(i) * 5 + k);
    body[i] = kAlphabet[v];
  }
  out.append(body, kBodyLength);
  return out;
}

std::string NewId(std::string_view prefix) { return NewId(prefix, SystemClock::Instance().Now()); }

bool IsValidId(std::string_view id, std::string_view prefix) {
  if (id.size() != prefix.size() + 1 + kBodyLength) return false;
  if (id.substr(0, prefix.size()) != prefix || id[prefix.size()] != '_') return false;
  for (char c : id.substr(prefix.size() + 1)) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z' && c != 'I' && c != 'L' &&
                                         c != 'O' && c != 'U');
    if (!ok) return false;
  }
  return true;
}

}  // namespace herald::base
