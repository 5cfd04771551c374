// EmulatorHarness: one network emulator served in-process on 127.0.0.1 (port 0), the real
// HttpsClient to reach it, an io_context to run adapter coroutines on, and a FakeClock shared by
// the emulator (rate windows, message dates) and the adapter (settle windows).
//
//   EmulatorHarness<emulators::TelegramEmulator> h;
//   TelegramPlatform platform(h.http(), options_with(h.base_url()));
//   auto r = h.Run(platform.Publish(request));
//   h.Arm({.kind = emulators::FaultKind::kRateLimit, .path = "/bot*/sendMessage"});
//   EXPECT_EQ(h.Posts().size(), 1u);
//
// Not thread-safe: one test thread drives it.
#ifndef HERALD_TESTS_PLATFORMS_SUPPORT_EMULATOR_HARNESS_H_
#define HERALD_TESTS_PLATFORMS_SUPPORT_EMULATOR_HARNESS_H_

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "platforms/http/https_client.h"
#include "tests/emulators/common/emulator_server.h"
#include "tests/platforms/support/run_task.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms::fixtures {

template <class Emulator>
class EmulatorHarness {
 public:
  // With `fake_clock` false the emulator keeps real time (rate windows that must pass while an
  // adapter waits on a real timer).
  explicit EmulatorHarness(bool fake_clock = true) {
    emulators::EmulatorOptions options;
    options.clock = fake_clock ? &clock : nullptr;
    server_ = emulators::EmulatorServer::Make<Emulator>(options);
    auto started = server_->Start();
    EXPECT_THAT(started, ::herald::matchers::IsOk());
    auto client = http::HttpsClient::Create(http::HttpsClientOptions{});
    EXPECT_THAT(client, ::herald::matchers::IsOk());
    if (client.ok()) http_ = std::move(client).value();
  }
  ~EmulatorHarness() {
    http_.reset();  // pooled sockets belong to io_
    server_->Stop();
  }

  std::string base_url() const { return server_->base_url(); }
  HttpClient* http() { return http_.get(); }
  emulators::EmulatorContext& ctx() { return server_->context(); }
  Emulator& network() { return static_cast<Emulator&>(server_->network()); }

  template <class T>
  T Run(base::Task<T> task) {
    return herald::testing::RunTask(io_, std::move(task));
  }

  // Arms a fault; returns its id.
  std::string Arm(emulators::Fault fault) {
    auto id = ctx().faults().Add(std::move(fault));
    EXPECT_THAT(id, ::herald::matchers::IsOk());
    return id.ok() ? *id : "";
  }
  std::vector<emulators::CreatedPost> Posts() { return ctx().posts().List(); }
  std::vector<emulators::CreatedPost> LivePosts() {
    std::vector<emulators::CreatedPost> out;
    for (auto& p : Posts()) {
      if (!p.deleted) out.push_back(std::move(p));
    }
    return out;
  }
  // Requests the emulator saw whose path contains `fragment`.
  size_t CountRequests(std::string_view fragment) {
    size_t n = 0;
    for (const auto& r : ctx().requests().List()) {
      if (r.path.find(fragment) != std::string::npos) ++n;
    }
    return n;
  }

  base::FakeClock clock;

 private:
  boost::asio::io_context io_;
  std::unique_ptr<emulators::EmulatorServer> server_;
  std::unique_ptr<http::HttpsClient> http_;
};

// A PublishRequest whose save_remote_state records every saved state into `saved`.
inline PublishRequest MakeRequest(AccountContext account, Content content, std::string key,
                                  std::vector<Json>* saved, Json remote_state = Json::object()) {
  PublishRequest r;
  r.account = std::move(account);
  r.content = std::move(content);
  r.idempotency_key = std::move(key);
  r.remote_state = std::move(remote_state);
  r.save_remote_state = [saved](const Json& state) -> Result<void> {
    if (saved != nullptr) saved->push_back(state);
    return base::Ok();
  };
  return r;
}

// A fault of `kind` on requests whose path matches `path` (glob), adjusted by `tweak`.
inline emulators::Fault FaultOn(emulators::FaultKind kind, std::string path,
                                const std::function<void(emulators::Fault&)>& tweak = {}) {
  emulators::Fault f;
  f.kind = kind;
  f.path = std::move(path);
  if (tweak) tweak(f);
  return f;
}

inline MediaItem Png(std::string name, size_t size = 2048, std::string alt = {}) {
  MediaItem m;
  m.id = "med_" + name;
  m.mime_type = "image/png";
  m.file_name = std::move(name);
  m.alt_text = std::move(alt);
  m.data = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(size > 8 ? size - 8 : 0, 'p');
  m.size = static_cast<int64_t>(m.data.size());
  return m;
}

}  // namespace herald::platforms::fixtures

#endif  // HERALD_TESTS_PLATFORMS_SUPPORT_EMULATOR_HARNESS_H_
