// Small media files made at test time: ffmpeg lavfi sources (testsrc, sine) for images, GIFs
// and video, and hand-made hostile files (EXIF with GPS, a PNG header claiming 60,000 pixels).
#ifndef HERALD_TESTS_MEDIA_MEDIA_TEST_FILES_H_
#define HERALD_TESTS_MEDIA_MEDIA_TEST_FILES_H_

#include <string>
#include <vector>

namespace herald::media::testing {

// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

 private:
  std::string dir_;
};

// Runs ffmpeg with `args` (after -v error -y) writing `output`; fails the test on error.
void Ffmpeg(const std::vector<std::string>& args, const std::string& output);

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& bytes);

// A JPEG (64x32) whose EXIF says orientation 6 (rotate 90 clockwise to display) and holds a
// GPS latitude of 42.42 degrees north (the rational 4242/100 is kGpsMarker in the bytes).
std::string JpegWithExif(const TempDir& dir);
inline constexpr char kGpsMarker[] = {'\x92', '\x10', '\0', '\0', 'd', '\0', '\0', '\0'};

// A PNG whose header claims `width` x `height` pixels with one row of data: it decodes to
// nothing sensible, so a probe that refuses it by its size never decoded it.
std::string PngClaiming(int width, int height);

}  // namespace herald::media::testing

#endif  // HERALD_TESTS_MEDIA_MEDIA_TEST_FILES_H_
