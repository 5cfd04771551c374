#include "tests/media/media_test_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "media/child_process.h"
#include "tests/support/result_matchers.h"

using ::herald::matchers::IsOk;

namespace herald::media::testing {
namespace {

void Put16(std::string& s, uint16_t v) {
  s += static_cast<char>(v & 0xFF);
  s += static_cast<char>(v >> 8);
}
void Put32(std::string& s, uint32_t v) {
  Put16(s, static_cast<uint16_t>(v & 0xFFFF));
  Put16(s, static_cast<uint16_t>(v >> 16));
}
void Put32Be(std::string& s, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) s += static_cast<char>((v >> shift) & 0xFF);
}
// One IFD entry: tag, type, count, 4 bytes of value or offset (little endian).
void Entry(std::string& s, uint16_t tag, uint16_t type, uint32_t count, uint32_t value) {
  Put16(s, tag);
  Put16(s, type);
  Put32(s, count);
  Put32(s, value);
}

uint32_t Crc32(const std::string& data) {
  uint32_t crc = 0xFFFFFFFF;
  for (unsigned char c : data) {
    crc ^= c;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
  }
  return ~crc;
}

std::string Chunk(const std::string& type, const std::string& data) {
  std::string out;
  Put32Be(out, static_cast<uint32_t>(data.size()));
  out += type + data;
  Put32Be(out, Crc32(type + data));
  return out;
}

}  // namespace

TempDir::TempDir() {
  static int counter = 0;
  dir_ = (std::filesystem::temp_directory_path() /
          ("herald-media-test-" + std::to_string(getpid()) + "-" + std::to_string(++counter)))
             .string();
  std::filesystem::create_directories(dir_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void Ffmpeg(const std::vector<std::string>& args, const std::string& output) {
  ChildCommand command{{"ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-y"}, "ffmpeg"};
  command.argv.insert(command.argv.end(), args.begin(), args.end());
  command.argv.push_back(output);
  ChildLimits limits;
  limits.timeout = std::chrono::seconds(60);
  auto r = RunChild(command, limits);
  ASSERT_THAT(r, IsOk()) << r.error().ToString();
  ASSERT_TRUE(r->ok()) << "ffmpeg " << r->Describe();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string JpegWithExif(const TempDir& dir) {
  const std::string plain = dir.Path("plain.jpg");
  Ffmpeg({"-f", "lavfi", "-i", "testsrc=size=64x32:duration=1", "-frames:v", "1"}, plain);
  // TIFF: header, IFD0 {Orientation 6, GPS IFD at 38}, GPS IFD {LatitudeRef "N",
  // Latitude 3 rationals at 68}, the rationals.
  std::string tiff = "II";
  Put16(tiff, 42);
  Put32(tiff, 8);
  Put16(tiff, 2);
  Entry(tiff, 0x0112, 3, 1, 6);
  Entry(tiff, 0x8825, 4, 1, 38);
  Put32(tiff, 0);
  Put16(tiff, 2);
  Entry(tiff, 0x0001, 2, 2, 'N');
  Entry(tiff, 0x0002, 5, 3, 68);
  Put32(tiff, 0);
  for (uint32_t v : {42u, 1u, 0u, 1u, 4242u, 100u}) Put32(tiff, v);
  const std::string payload = std::string("Exif\0\0", 6) + tiff;
  std::string app1 = "\xFF\xE1";
  app1 += static_cast<char>((payload.size() + 2) >> 8);
  app1 += static_cast<char>((payload.size() + 2) & 0xFF);
  app1 += payload;
  const std::string jpeg = ReadFile(plain);
  const std::string path = dir.Path("exif.jpg");
  WriteFile(path, jpeg.substr(0, 2) + app1 + jpeg.substr(2));
  return path;
}

std::string PngClaiming(int width, int height) {
  std::string ihdr;
  Put32Be(ihdr, static_cast<uint32_t>(width));
  Put32Be(ihdr, static_cast<uint32_t>(height));
  ihdr += std::string("\x08\x00\x00\x00\x00", 5);  // 8-bit greyscale
  // One row, stored uncompressed: filter byte + width zero bytes (width < 65535).
  const uint32_t row = static_cast<uint32_t>(width) + 1;
  std::string zlib = "\x78\x01";
  zlib += '\x01';
  Put16(zlib, static_cast<uint16_t>(row));
  Put16(zlib, static_cast<uint16_t>(~row));
  zlib += std::string(row, '\0');
  Put32Be(zlib, (row % 65521) << 16 | 1);  // adler32 of zeros
  return std::string("\x89PNG\r\n\x1a\n", 8) + Chunk("IHDR", ihdr) + Chunk("IDAT", zlib) +
         Chunk("IEND", "");
}

}  // namespace herald::media::testing
