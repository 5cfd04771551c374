// Test support: an in-process network emulator on loopback plus the real HttpsClient, a
// FakeClock shared by both (so rate-limit resets and token expiry are deterministic), and
// RunTask to drive the adapter's coroutines from a test.
#ifndef HERALD_TESTS_PLATFORMS_SUPPORT_EMULATOR_FIXTURE_H_
#define HERALD_TESTS_PLATFORMS_SUPPORT_EMULATOR_FIXTURE_H_

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "platforms/http/https_client.h"
#include "tests/emulators/common/emulator_server.h"
#include "tests/platforms/support/run_task.h"
#include "tests/support/result_matchers.h"

namespace herald::testing {

template <class Network>
class EmulatorFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    emulators::EmulatorOptions options;
    options.clock = &clock_;
    server_ = emulators::EmulatorServer::Make<Network>(options);
    ASSERT_THAT(server_->Start(), ::herald::matchers::IsOk());
    // The emulator stands in for the network, on loopback: the operator's explicit allowance
    // (HERALD_ALLOW_PRIVATE_NETWORKS) is what makes such an address a network whose error
    // text herald quotes (HttpResponse::from_network).
    platforms::http::HttpsClientOptions http_options;
    http_options.allow_private_networks = true;
    auto client = platforms::http::HttpsClient::Create(http_options);
    ASSERT_THAT(client, ::herald::matchers::IsOk());
    http_ = std::move(*client);
  }
  void TearDown() override {
    http_.reset();  // pooled connections go before the io_context
    server_->Stop();
  }

  template <class T>
  T Run(base::Task<T> task) {
    return RunTask(io_, std::move(task));
  }

  emulators::EmulatorContext& emulator() { return server_->context(); }
  std::vector<emulators::CreatedPost> Posts() { return server_->context().posts().List(); }
  std::vector<emulators::CreatedPost> LivePosts() {
    std::vector<emulators::CreatedPost> out;
    for (auto& p : Posts()) {
      if (!p.deleted) out.push_back(p);
    }
    return out;
  }
  void Arm(emulators::FaultKind kind, std::string method, std::string path, int count = 1,
           int status = 0, int retry_after_s = 30, int delay_ms = 1000) {
    emulators::Fault f;
    f.kind = kind;
    f.method = std::move(method);
    f.path = std::move(path);
    f.count = count;
    f.status = status == 0 && kind == emulators::FaultKind::kServerError ? 503 : status;
    f.retry_after = std::chrono::seconds(retry_after_s);
    f.delay = std::chrono::milliseconds(delay_ms);
    ASSERT_THAT(server_->context().faults().Add(f), ::herald::matchers::IsOk());
  }

  base::FakeClock clock_;
  boost::asio::io_context io_;
  std::unique_ptr<emulators::EmulatorServer> server_;
  std::unique_ptr<platforms::http::HttpsClient> http_;
};

}  // namespace herald::testing

#endif  // HERALD_TESTS_PLATFORMS_SUPPORT_EMULATOR_FIXTURE_H_
