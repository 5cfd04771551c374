#include "http/sse_writer.h"

#include <string>
#include <utility>

#include "http/sse_state.h"

namespace herald::http {
namespace internal {

bool SseState::Append(std::string_view encoded) {
  std::lock_guard<std::mutex> lock(mu);
  if (phase != SsePhase::kOpen) return false;
  if (pending.size() + encoded.size() > options.max_queued_bytes) {
    // The client is not keeping up: cut it off rather than buffer without bound.
    pending.clear();
    pending.shrink_to_fit();
    phase = SsePhase::kAborted;
    failed = true;
    NotifyLocked();
    return false;
  }
  pending.append(encoded);
  NotifyLocked();
  return true;
}

void SseState::End(SsePhase new_phase, bool failure) {
  std::lock_guard<std::mutex> lock(mu);
  if (phase == SsePhase::kAborted) return;
  if (new_phase == SsePhase::kClosing && phase == SsePhase::kClosing) return;
  phase = new_phase;
  if (new_phase == SsePhase::kAborted) {
    pending.clear();
    pending.shrink_to_fit();
  }
  if (failure) failed = true;
  NotifyLocked();
}

void SseState::NotifyLocked() {
  // A one-slot channel: when it is full a wake-up is already pending, which is enough.
  if (signal) signal->try_send(boost::system::error_code{});
}

std::shared_ptr<SseState> SseAccess::Attach(SseWriter& writer,
                                            const boost::asio::any_io_executor& executor) {
  auto& state = writer.state_;
  std::lock_guard<std::mutex> lock(state->mu);
  if (!state->signal) state->signal = std::make_shared<SseSignal>(executor, 1);
  return state;
}

SsePhase SseAccess::Take(SseState& state, std::string& out) {
  out.clear();
  std::lock_guard<std::mutex> lock(state.mu);
  out.swap(state.pending);
  return state.phase;
}

void SseAccess::Finish(SseState& state, bool failure) {
  std::function<void()> fn;
  {
    std::lock_guard<std::mutex> lock(state.mu);
    if (state.finished) return;
    state.finished = true;
    if (failure) state.failed = true;
    if (state.phase != SsePhase::kAborted) state.phase = SsePhase::kAborted;
    state.pending.clear();
    fn = std::move(state.on_finished);
  }
  if (fn) fn();
}

}  // namespace internal

namespace {

// Removes CR and LF (they would end the field early).
std::string OneLine(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c != '\r' && c != '\n') out.push_back(c);
  }
  return out;
}

}  // namespace

SseWriter::SseWriter(Options options) : state_(std::make_shared<internal::SseState>(options)) {}

SseWriter::~SseWriter() = default;

std::shared_ptr<SseWriter> SseWriter::Create(Options options) {
  return std::shared_ptr<SseWriter>(new SseWriter(options));
}

bool SseWriter::Event(std::string_view data, std::string_view event, std::string_view id) {
  std::string out;
  out.reserve(data.size() + event.size() + id.size() + 32);
  if (!id.empty()) {
    out += "id: ";
    out += OneLine(id);
    out += '\n';
  }
  if (!event.empty()) {
    out += "event: ";
    out += OneLine(event);
    out += '\n';
  }
  // Each line of data becomes one "data:" field; CRLF, CR and LF all end a line.
  size_t start = 0;
  for (;;) {
    size_t end = data.find_first_of("\r\n", start);
    out += "data: ";
    out.append(data.substr(start, end == std::string_view::npos ? end : end - start));
    out += '\n';
    if (end == std::string_view::npos) break;
    start = end + 1;
    if (data[end] == '\r' && start < data.size() && data[start] == '\n') ++start;
    if (start >= data.size()) break;
  }
  out += '\n';
  return state_->Append(out);
}

bool SseWriter::Comment(std::string_view text) {
  std::string out = ":";
  if (!text.empty()) {
    out += ' ';
    out += OneLine(text);
  }
  out += "\n\n";
  return state_->Append(out);
}

bool SseWriter::Retry(std::chrono::milliseconds delay) {
  return state_->Append("retry: " + std::to_string(delay.count()) + "\n\n");
}

void SseWriter::Close() { state_->End(internal::SsePhase::kClosing, /*failure=*/false); }

void SseWriter::Abort() { state_->End(internal::SsePhase::kAborted, /*failure=*/false); }

bool SseWriter::closed() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->phase != internal::SsePhase::kOpen;
}

bool SseWriter::failed() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->failed;
}

size_t SseWriter::queued_bytes() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->pending.size();
}

void SseWriter::OnFinished(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    if (!state_->finished) {
      state_->on_finished = std::move(fn);
      return;
    }
  }
  if (fn) fn();
}

}  // namespace herald::http
