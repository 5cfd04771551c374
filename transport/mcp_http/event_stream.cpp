#include "transport/mcp_http/event_stream.h"

#include <charconv>

namespace herald::transport {

std::optional<EventId> ParseEventId(std::string_view text) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 >= text.size()) {
    return std::nullopt;
  }
  EventId id;
  id.stream = std::string(text.substr(0, colon));
  std::string_view digits = text.substr(colon + 1);
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id.seq);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return std::nullopt;
  return id;
}

EventStream::EventStream(std::string id, EventStreamLimits limits)
    : id_(std::move(id)), limits_(limits) {}

bool EventStream::WriteLocked(const Stored& event) {
  if (!writer_) return false;
  return writer_->Event(event.data, "message", id_ + ":" + std::to_string(event.seq));
}

bool EventStream::Send(std::string json) {
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_) return false;
  Stored event{next_seq_++, std::move(json)};
  WriteLocked(event);
  buffer_bytes_ += event.data.size();
  buffer_.push_back(std::move(event));
  while (!buffer_.empty() &&
         (buffer_.size() > limits_.max_events || buffer_bytes_ > limits_.max_bytes)) {
    buffer_bytes_ -= buffer_.front().data.size();
    buffer_.pop_front();
  }
  return true;
}

void EventStream::Attach(std::shared_ptr<http::SseWriter> writer, std::optional<uint64_t> after,
                         bool prime) {
  std::shared_ptr<http::SseWriter> previous;
  {
    std::lock_guard<std::mutex> lock(mu_);
    previous = std::move(writer_);
    writer_ = writer;
    ever_attached_ = true;
    if (prime) writer_->Event("", "", id_ + ":" + std::to_string(next_seq_ - 1));
    if (after) {
      for (const Stored& event : buffer_) {
        if (event.seq > *after) WriteLocked(event);
      }
    }
    if (finished_) writer_->Close();
  }
  if (previous && previous != writer) previous->Close();
}

void EventStream::Finish() {
  std::lock_guard<std::mutex> lock(mu_);
  finished_ = true;
  if (writer_) writer_->Close();
}

bool EventStream::finished() const {
  std::lock_guard<std::mutex> lock(mu_);
  return finished_;
}

bool EventStream::ever_attached() const {
  std::lock_guard<std::mutex> lock(mu_);
  return ever_attached_;
}

bool EventStream::live() const {
  std::lock_guard<std::mutex> lock(mu_);
  return writer_ && !writer_->closed();
}

bool EventStreamOutbound::Send(const base::Json& message) {
  if (!open()) return false;
  return stream_->Send(base::DumpJson(message));
}

bool EventStreamOutbound::open() const { return stream_->ever_attached() && !stream_->finished(); }

}  // namespace herald::transport
