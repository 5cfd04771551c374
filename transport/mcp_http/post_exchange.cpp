#include "transport/mcp_http/post_exchange.h"

namespace herald::transport {

PostExchange::PostExchange(std::shared_ptr<HttpSession> session, EventStreamLimits limits,
                           http::SseWriter::Options writer_options, bool prime,
                           std::shared_ptr<http::StreamStarter> streamer, uint64_t request_seq)
    : session_(std::move(session)),
      limits_(limits),
      writer_options_(writer_options),
      prime_(prime),
      streamer_(std::move(streamer)),
      request_seq_(request_seq) {}

bool PostExchange::Send(const base::Json& message) {
  std::shared_ptr<http::SseWriter> started;
  bool sent = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (completed_ || mode_ == Mode::kJson) return false;
    if (mode_ == Mode::kUndecided) {
      mode_ = Mode::kSse;
      stream_ = session_ ? session_->NewPostStream() : std::make_shared<EventStream>("p", limits_);
      writer_ = http::SseWriter::Create(writer_options_);
      stream_->Attach(writer_, /*after=*/std::nullopt, prime_);
      started = writer_;
    }
    sent = stream_->Send(base::DumpJson(message));
  }
  // Outside the lock: the connection starts streaming while the request keeps running.
  if (started && streamer_) streamer_->Start(request_seq_, http::Response::Stream(started));
  return sent;
}

bool PostExchange::open() const {
  std::lock_guard<std::mutex> lock(mu_);
  return !completed_ && mode_ != Mode::kJson;
}

PostExchange::Answer PostExchange::Finish(std::optional<base::Json> reply) {
  std::lock_guard<std::mutex> lock(mu_);
  Answer answer;
  completed_ = true;
  if (mode_ != Mode::kSse) {
    mode_ = Mode::kJson;
    answer.reply = std::move(reply);
    return answer;
  }
  if (reply) stream_->Send(base::DumpJson(*reply));
  stream_->Finish();
  answer.sse = true;
  answer.writer = writer_;
  return answer;
}

}  // namespace herald::transport
