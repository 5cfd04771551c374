// WebhookDeliverer: sends the delivery outbox (store::WebhookDelivery rows) to the webhooks'
// URLs, signed per Standard Webhooks (standardwebhooks.com):
//   webhook-id: <event id>   webhook-timestamp: <Unix seconds>
//   webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>
// where key is the bytes after "whsec_" of the webhook's secret.
//
// At least once: a delivery is leased, sent, and its outcome recorded; a 2xx answer marks it
// delivered, anything else (or no answer) is retried with backoff (kRetrySchedule) until
// give_up_after from the event, when it is marked failed. A crash between sending and
// recording sends it again after the lease lapses (with the same webhook-id, so receivers
// can drop duplicates). The URL goes through the HTTPS client's private-address guard: only
// public addresses unless private networks are allowed. Driven step by step (RunOnce) by a
// loop the composition root owns; the clock is injected. Thread-safe.
#ifndef HERALD_CORE_WEBHOOK_DELIVERER_H_
#define HERALD_CORE_WEBHOOK_DELIVERER_H_

#include <array>
#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>

#include "base/async.h"
#include "base/clock.h"
#include "base/crypto.h"
#include "base/result.h"
#include "platforms/http_client.h"
#include "store/store.h"

namespace herald::core {

using base::Result;
using base::Task;

// Delay before attempt n+1 after n failed attempts (the last entry repeats).
inline constexpr std::array<std::chrono::seconds, 7> kRetrySchedule{
    std::chrono::seconds(5),    std::chrono::minutes(5), std::chrono::minutes(30),
    std::chrono::hours(2),      std::chrono::hours(5),   std::chrono::hours(10),
    std::chrono::hours(10)};

struct WebhookDelivererOptions {
  std::string owner = "webhooks";  // lease owner (unique per process)
  int batch = 16;                  // deliveries claimed per RunOnce
  std::chrono::seconds lease_for{120};
  std::chrono::seconds timeout{10};  // per attempt
  std::chrono::hours give_up_after{24};
  // Let URLs reach loopback and private addresses (HERALD_ALLOW_PRIVATE_NETWORKS). Off: only
  // public addresses, whatever the client allows otherwise.
  bool allow_private_networks = false;
  // Tests only: "127.0.0.1:<port>" endpoints reachable while private networks are not allowed.
  std::set<std::string, std::less<>> test_allowed_endpoints;
};

// The webhook-signature header value for `body` sent as message `id` at `timestamp` (Unix
// seconds) with key bytes `key`.
std::string WebhookSignature(std::string_view key, std::string_view id, int64_t timestamp,
                             std::string_view body);

class WebhookDeliverer {
 public:
  WebhookDeliverer(store::Store& store, platforms::HttpClient& http, const base::Keyring& keyring,
                   const base::Clock& clock, base::asio::thread_pool& blocking,
                   WebhookDelivererOptions options = {});

  // Claims the due deliveries (one batch), sends them one after another and records each
  // outcome; returns how many were attempted.
  Task<Result<int>> RunOnce();
  // When the next pending delivery is due, if any.
  Result<std::optional<base::Time>> NextDue();

 private:
  Task<void> Deliver(store::WebhookDelivery delivery);

  store::Store& store_;
  platforms::HttpClient& http_;
  const base::Keyring& keyring_;
  const base::Clock& clock_;
  base::asio::thread_pool& blocking_;
  WebhookDelivererOptions options_;
};

}  // namespace herald::core

#endif  // HERALD_CORE_WEBHOOK_DELIVERER_H_
