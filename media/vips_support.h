// libvips for herald, in one place: started once with safe settings (only the loaders libvips
// marks trusted, no operation cache, low concurrency), an owning handle for images, and the
// error text of the calling thread's last failure. Internal to herald_media (libvips is a
// private dependency: include this from .cpp files only).
#ifndef HERALD_MEDIA_VIPS_SUPPORT_H_
#define HERALD_MEDIA_VIPS_SUPPORT_H_

#include <vips/vips.h>

#include <string>

namespace herald::media {

// Starts libvips on first use (thread-safe; later calls return at once). False if it could
// not start.
bool EnsureVips();

// The text libvips recorded for the last failure (and clears it): one line, at most ~300
// characters, without file paths' directories.
std::string TakeVipsError();

// Owns one reference to a VipsImage.
class VipsRef {
 public:
  VipsRef() = default;
  explicit VipsRef(VipsImage* image) : image_(image) {}
  VipsRef(const VipsRef&) = delete;
  VipsRef& operator=(const VipsRef&) = delete;
  VipsRef(VipsRef&& other) noexcept : image_(other.image_) { other.image_ = nullptr; }
  VipsRef& operator=(VipsRef&& other) noexcept {
    if (this != &other) {
      Reset(other.image_);
      other.image_ = nullptr;
    }
    return *this;
  }
  ~VipsRef() { Reset(); }

  VipsImage* get() const { return image_; }
  VipsImage** out() {
    Reset();
    return &image_;
  }
  explicit operator bool() const { return image_ != nullptr; }
  void Reset(VipsImage* image = nullptr) {
    if (image_ != nullptr) g_object_unref(image_);
    image_ = image;
  }

 private:
  VipsImage* image_ = nullptr;
};

}  // namespace herald::media

#endif  // HERALD_MEDIA_VIPS_SUPPORT_H_
