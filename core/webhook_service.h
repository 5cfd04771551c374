// WebhookService: an organization's webhooks (admin): create (the whsec_ secret returned once,
// stored sealed like platform tokens), list, delete, and the delivery log.
//
// Scoped to the caller's organization; another organization's webhook is reported like one
// that does not exist. Changes are audited. Blocking (`...Sync`) and coroutine forms;
// thread-safe.
#ifndef HERALD_CORE_WEBHOOK_SERVICE_H_
#define HERALD_CORE_WEBHOOK_SERVICE_H_

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/async.h"
#include "base/caller.h"
#include "base/clock.h"
#include "base/crypto.h"
#include "base/result.h"
#include "store/store.h"

namespace herald::core {

using base::Result;
using base::Task;

inline constexpr int kMaxWebhooksPerOrganization = 20;

struct CreateWebhookRequest {
  std::string url;                  // https:// (or http://), no user:password
  std::vector<std::string> events;  // event types (core/webhook_events.h); empty = every one
  std::string secret;               // "whsec_<base64 of 24..64 bytes>"; "" = a new random one
};

struct CreatedWebhook {
  store::Webhook webhook;
  std::string secret;  // whsec_...: shown once
};

// The context a webhook's secret is sealed with (binds the sealed value to its row).
std::string WebhookSecretContext(std::string_view webhook_id);
// The key bytes of a "whsec_<base64>" secret. Errors: kInvalidArgument.
Result<std::string> WebhookKeyOf(std::string_view secret);

class WebhookService {
 public:
  WebhookService(store::Store& store, const base::Keyring& keyring, const base::Clock& clock,
                 base::asio::thread_pool& blocking);

  // Errors: kInvalidArgument naming the field (url, events[i], secret); kResourceExhausted at
  // kMaxWebhooksPerOrganization; kPermissionDenied below admin.
  Result<CreatedWebhook> CreateSync(const base::Caller& caller, const CreateWebhookRequest& request);
  Result<std::vector<store::Webhook>> ListSync(const base::Caller& caller);
  // Deletes the webhook; deliveries not yet made are dropped. Errors: kNotFound.
  Result<void> DeleteSync(const base::Caller& caller, const std::string& webhook_id);
  // Newest first, of one webhook when `webhook_id` is set. Errors: kNotFound for an unknown
  // webhook_id; kInvalidArgument for a limit outside 1..200.
  // Removes deliveries that are over (delivered or given up) and older than `keep`, in batches;
  // returns how many went. Pending ones stay whatever their age. Blocking.
  Result<int> PruneDeliveries(std::chrono::hours keep);
  Result<std::vector<store::WebhookDelivery>> ListDeliveriesSync(const base::Caller& caller,
                                                                 const std::string& webhook_id,
                                                                 int limit);

  Task<Result<CreatedWebhook>> Create(base::Caller caller, CreateWebhookRequest request);
  Task<Result<std::vector<store::Webhook>>> List(base::Caller caller);
  Task<Result<void>> Delete(base::Caller caller, std::string webhook_id);
  Task<Result<std::vector<store::WebhookDelivery>>> ListDeliveries(base::Caller caller,
                                                                   std::string webhook_id,
                                                                   int limit);

 private:
  Result<store::Webhook> Visible(store::Tx& tx, const base::Caller& caller,
                                 const std::string& webhook_id);

  store::Store& store_;
  const base::Keyring& keyring_;
  const base::Clock& clock_;
  base::asio::thread_pool& blocking_;
};

}  // namespace herald::core

#endif  // HERALD_CORE_WEBHOOK_SERVICE_H_
