#include "mcp/transport/post_exchange.h"

#include <boost/asio/experimental/concurrent_channel.hpp>

namespace herald::mcp {

struct PostExchange::Signal {
  explicit Signal(base::asio::any_io_executor ex) : channel(std::move(ex), 1) {}
  boost::asio::experimental::concurrent_channel<void(boost::system::error_code)> channel;
};

PostExchange::PostExchange(base::asio::any_io_executor executor,
                           std::function<std::shared_ptr<EventStream>()> make_stream,
                           http::SseWriter::Options writer_options, bool prime)
    : signal_(std::make_unique<Signal>(std::move(executor))),
      make_stream_(std::move(make_stream)),
      writer_options_(writer_options),
      prime_(prime) {}

PostExchange::~PostExchange() = default;

void PostExchange::Wake() { signal_->channel.try_send(boost::system::error_code{}); }

bool PostExchange::Send(const Json& message) {
  std::lock_guard<std::mutex> lock(mu_);
  if (completed_ || mode_ == Mode::kJson) return false;
  if (mode_ == Mode::kUndecided) {
    mode_ = Mode::kSse;
    stream_ = make_stream_();
    writer_ = http::SseWriter::Create(writer_options_);
    stream_->Attach(writer_, /*after=*/std::nullopt, prime_);
    Wake();
  }
  return stream_->Send(base::DumpJson(message));
}

bool PostExchange::open() const {
  std::lock_guard<std::mutex> lock(mu_);
  return !completed_ && mode_ != Mode::kJson;
}

void PostExchange::Complete(std::optional<Json> reply) {
  std::lock_guard<std::mutex> lock(mu_);
  if (completed_) return;
  completed_ = true;
  if (mode_ == Mode::kUndecided) {
    mode_ = Mode::kJson;
    reply_ = std::move(reply);
    Wake();
    return;
  }
  if (reply) stream_->Send(base::DumpJson(*reply));
  stream_->Finish();
}

base::Task<PostExchange::Decision> PostExchange::Decide() {
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (mode_ == Mode::kJson) {
        Decision d;
        d.reply = std::move(reply_);
        co_return d;
      }
      if (mode_ == Mode::kSse) {
        Decision d;
        d.sse = true;
        d.writer = writer_;
        co_return d;
      }
    }
    co_await signal_->channel.async_receive(base::kNoThrow);
  }
}

}  // namespace herald::mcp
