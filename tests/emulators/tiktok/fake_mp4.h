// FakeMp4: the smallest file the TikTok emulator takes for an MP4 (an `ftyp` box, then a
// `moov` with an `mvhd` giving the duration), padded to the size a test needs. Tests of the
// chunked upload use it where a real video (ffmpeg) would only be slower.
#ifndef HERALD_TESTS_EMULATORS_TIKTOK_FAKE_MP4_H_
#define HERALD_TESTS_EMULATORS_TIKTOK_FAKE_MP4_H_

#include <cstdint>
#include <string>

namespace herald::emulators {

// An ISO-BMFF file of `size` bytes (at least 60) lasting `seconds`; the padding cycles a-z so
// chunks differ.
inline std::string FakeMp4(int64_t size, uint32_t seconds) {
  auto be32 = [](std::string& s, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) s.push_back(static_cast<char>(v >> shift & 0xff));
  };
  std::string b;
  be32(b, 24);
  b += "ftypisom";
  be32(b, 0);
  b += "isomiso2";
  be32(b, 8 + 108);
  b += "moov";
  be32(b, 108);
  b += "mvhd";
  be32(b, 0);  // version 0, flags
  be32(b, 0);  // creation time
  be32(b, 0);  // modification time
  be32(b, 1000);  // timescale
  be32(b, seconds * 1000);
  while (static_cast<int64_t>(b.size()) < size) b.push_back(static_cast<char>('a' + b.size() % 26));
  b.resize(static_cast<size_t>(size));
  return b;
}

}  // namespace herald::emulators

#endif  // HERALD_TESTS_EMULATORS_TIKTOK_FAKE_MP4_H_
