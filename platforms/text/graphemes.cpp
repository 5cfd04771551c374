#include "platforms/text/graphemes.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/utext.h>

#include <memory>

namespace herald::platforms::text {
namespace {

// BreakIterator is not thread-safe and costly to create: one per thread, made on first use.
icu::BreakIterator* ThreadIterator() {
  thread_local std::unique_ptr<icu::BreakIterator> iterator = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> it(
        icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status)) it.reset();
    return it;
  }();
  return iterator.get();
}

// Calls `fn(offset)` for every boundary after 0. Falls back to code points if ICU is unusable.
template <class Fn>
void ForEachBoundary(std::string_view text, Fn fn) {
  icu::BreakIterator* it = ThreadIterator();
  UErrorCode status = U_ZERO_ERROR;
  UText* ut = nullptr;
  if (it != nullptr) {
    ut = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
  }
  if (it == nullptr || U_FAILURE(status)) {
    if (ut != nullptr) utext_close(ut);
    for (size_t pos = 0; pos < text.size();) {
      ++pos;
      while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) ++pos;
      fn(pos);
    }
    return;
  }
  it->setText(ut, status);
  // UTF-8 UText indices are byte offsets into the original buffer.
  for (int32_t b = it->next(); b != icu::BreakIterator::DONE; b = it->next()) {
    fn(static_cast<size_t>(b));
  }
  // Detach before closing so the thread's iterator never points at freed text.
  icu::UnicodeString empty;
  it->setText(empty);
  utext_close(ut);
}

}  // namespace

int CountGraphemes(std::string_view text) {
  int n = 0;
  ForEachBoundary(text, [&](size_t) { ++n; });
  return n;
}

std::vector<size_t> GraphemeBoundaries(std::string_view text) {
  std::vector<size_t> out{0};
  ForEachBoundary(text, [&](size_t b) { out.push_back(b); });
  return out;
}

}  // namespace herald::platforms::text
