#include "core/webhook_deliverer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "base/time.h"
#include "core/webhook_service.h"

// GCC 12 at -O2 reports a false "mismatched new/delete" for Asio's awaitable frame operator
// delete in large coroutines (GCC bug 109224).
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace herald::core {

using base::Time;

namespace {

constexpr size_t kMaxRecordedResponse = 500;

}  // namespace

std::string WebhookSignature(std::string_view key, std::string_view id, int64_t timestamp,
                             std::string_view body) {
  std::string signed_content;
  signed_content.reserve(id.size() + body.size() + 24);
  signed_content.append(id).append(".").append(std::to_string(timestamp)).append(".").append(
      body);
  return "v1," + base::Base64Encode(base::HmacSha256(key, signed_content));
}

WebhookDeliverer::WebhookDeliverer(store::Store& store, platforms::HttpClient& http,
                                   const base::Keyring& keyring, const base::Clock& clock,
                                   base::asio::thread_pool& blocking,
                                   WebhookDelivererOptions options)
    : store_(store),
      http_(http),
      keyring_(keyring),
      clock_(clock),
      blocking_(blocking),
      options_(std::move(options)) {}

Result<std::optional<Time>> WebhookDeliverer::NextDue() {
  return store::ReadValue<std::optional<Time>>(
      store_, [](store::Tx& tx) { return tx.NextWebhookDeliveryTime(); });
}

Task<Result<int>> WebhookDeliverer::RunOnce() {
  const Time now = clock_.Now();
  auto claimed = co_await base::RunBlocking(blocking_, [&] {
    return store::WriteValue<std::vector<store::WebhookDelivery>>(store_, [&](store::Tx& tx) {
      // Deliveries go one after the other: the lease covers the whole batch timing out, so
      // another process never claims one still being sent.
      const auto lease = std::max<std::chrono::seconds>(
          options_.lease_for, options_.timeout * options_.batch + std::chrono::seconds(30));
      return tx.ClaimWebhookDeliveries(options_.owner, now, now + lease, options_.batch);
    });
  });
  if (!claimed.ok()) co_return std::move(claimed).error();
  for (auto& d : *claimed) co_await Deliver(std::move(d));
  co_return static_cast<int>(claimed->size());
}

Task<void> WebhookDeliverer::Deliver(store::WebhookDelivery d) {
  // The webhook (for its URL and secret); gone = deleted meanwhile: the delivery fails.
  auto hook = co_await base::RunBlocking(blocking_, [&] {
    return store::ReadValue<store::Webhook>(
        store_, [&](store::Tx& tx) { return tx.GetWebhook(d.org_id, d.webhook_id); });
  });
  int status = 0;
  std::string response;
  bool delivered = false;
  bool permanent = false;
  if (!hook.ok()) {
    permanent = true;
    response = hook.error().code() == base::ErrorCode::kNotFound ? "the webhook was deleted"
                                                                 : hook.error().message();
  } else {
    auto secret = keyring_.Open(hook->secret_sealed, WebhookSecretContext(hook->id));
    auto key = secret.ok() ? WebhookKeyOf(*secret) : Result<std::string>(secret.error());
    if (!key.ok()) {
      permanent = true;
      response = "the webhook's secret cannot be opened with this server's keys";
    } else {
      const std::string body = base::DumpJson(d.payload);
      const int64_t timestamp = base::ToUnixMicros(clock_.Now()) / 1'000'000;
      platforms::HttpRequest request;
      request.method = "POST";
      request.url = hook->url;
      request.headers = {{"content-type", "application/json"},
                         {"user-agent", "herald-webhooks"},
                         {"webhook-id", d.event_id},
                         {"webhook-timestamp", std::to_string(timestamp)},
                         {"webhook-signature", WebhookSignature(*key, d.event_id, timestamp, body)}};
      request.body = body;
      request.connect_timeout = std::min<std::chrono::milliseconds>(options_.timeout,
                                                                    std::chrono::seconds(5));
      request.total_timeout = options_.timeout;
      request.max_response_bytes = 64 * 1024;
      request.public_addresses_only = !options_.allow_private_networks;
      request.test_allowed_endpoints = options_.test_allowed_endpoints;
      auto answer = co_await http_.Send(std::move(request));
      if (answer.ok()) {
        status = answer->status;
        response = answer->body.substr(0, kMaxRecordedResponse);
        delivered = status >= 200 && status < 300;
      } else {
        response = answer.error().message().substr(0, kMaxRecordedResponse);
      }
    }
  }
  const Time now = clock_.Now();
  d.attempts += 1;
  d.last_status = status;
  d.last_response = std::move(response);
  d.updated_at = now;
  if (delivered) {
    d.state = store::DeliveryState::kDelivered;
  } else {
    const Time deadline = d.created_at + options_.give_up_after;
    const size_t step = std::min<size_t>(static_cast<size_t>(d.attempts), kRetrySchedule.size());
    const Time next = std::min(now + kRetrySchedule[step - 1], deadline);
    if (permanent || now >= deadline) {
      d.state = store::DeliveryState::kFailed;
    } else {
      d.next_attempt_at = next;
    }
  }
  auto recorded = co_await base::RunBlocking(blocking_, [&] {
    return store_.Write([&](store::Tx& tx) { return tx.FinishWebhookAttempt(d, options_.owner); });
  });
  if (!recorded.ok()) {
    spdlog::warn("webhook delivery {}: could not record attempt {}: {}", d.id, d.attempts,
                 recorded.error().ToLogString());
  }
}

}  // namespace herald::core
