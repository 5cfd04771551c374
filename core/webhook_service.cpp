#include "core/webhook_service.h"

#include <algorithm>
#include <utility>

#include "base/ids.h"
#include "core/post_service_internal.h"
#include "core/webhook_events.h"

namespace herald::core {

using base::Time;

namespace {

constexpr std::string_view kSecretPrefix = "whsec_";
constexpr size_t kMaxUrlLength = 2000;

// The URL as the audit log keeps it: without its query and fragment, where receivers put
// tokens.
std::string UrlForAudit(const std::string& url) { return url.substr(0, url.find_first_of("?#")); }

Result<void> CheckUrl(const std::string& url) {
  if (url.size() > kMaxUrlLength) {
    return FieldError("url", "at most " + std::to_string(kMaxUrlLength) + " characters");
  }
  std::string_view rest;
  if (url.rfind("https://", 0) == 0) {
    rest = std::string_view(url).substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    rest = std::string_view(url).substr(7);
  } else {
    return FieldError("url", "must start with https:// (or http:// for a receiver on this "
                             "machine); got " + Quote(url));
  }
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.empty()) return FieldError("url", "has no host: " + Quote(url));
  if (url.rfind("http://", 0) == 0) {
    // Signed but not encrypted: only to a receiver on this machine.
    std::string_view host = authority.front() == '[' ? authority.substr(0, authority.find(']') + 1)
                                                     : authority.substr(0, authority.find(':'));
    if (host != "localhost" && host != "[::1]" && host.rfind("127.", 0) != 0) {
      return FieldError("url",
                        "http:// is only for a receiver on this machine (localhost, "
                        "127.0.0.1, [::1]); use https:// for " +
                            Quote(url));
    }
  }
  if (authority.find('@') != std::string_view::npos) {
    return FieldError("url", "must not carry a user name or password; the signature "
                             "authenticates herald to the receiver");
  }
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return FieldError("url", "must not contain spaces or control characters");
    }
  }
  return base::Ok();
}

}  // namespace

std::string WebhookSecretContext(std::string_view webhook_id) {
  return "webhook:" + std::string(webhook_id);
}

Result<std::string> WebhookKeyOf(std::string_view secret) {
  if (secret.substr(0, kSecretPrefix.size()) != kSecretPrefix) {
    return base::InvalidArgument("must be whsec_ followed by base64");
  }
  auto key = base::Base64Decode(secret.substr(kSecretPrefix.size()));
  if (!key.ok()) return base::InvalidArgument("must be whsec_ followed by base64");
  if (key->size() < 24 || key->size() > 64) {
    return base::InvalidArgument("the key after whsec_ must be 24 to 64 bytes");
  }
  return key;
}

WebhookService::WebhookService(store::Store& store, const base::Keyring& keyring,
                               const base::Clock& clock, base::asio::thread_pool& blocking)
    : store_(store), keyring_(keyring), clock_(clock), blocking_(blocking) {}

Result<CreatedWebhook> WebhookService::CreateSync(const base::Caller& caller,
                                                  const CreateWebhookRequest& request) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, base::Role::kAdmin));
  HERALD_RETURN_IF_ERROR(CheckUrl(request.url));
  std::vector<std::string> events;
  for (size_t i = 0; i < request.events.size(); ++i) {
    const std::string& e = request.events[i];
    if (!IsWebhookEventType(e)) {
      std::string known;
      for (auto t : kWebhookEventTypes) known += (known.empty() ? "" : ", ") + std::string(t);
      return FieldError("events[" + std::to_string(i) + "]",
                        "unknown event " + Quote(e) + "; known: " + known);
    }
    if (std::find(events.begin(), events.end(), e) == events.end()) events.push_back(e);
  }
  CreatedWebhook out;
  if (request.secret.empty()) {
    out.secret = std::string(kSecretPrefix) + base::Base64Encode(base::RandomBytes(32));
  } else {
    auto key = WebhookKeyOf(request.secret);
    if (!key.ok()) return FieldError("secret", key.error().message());
    out.secret = request.secret;
  }
  const Time now = clock_.Now();
  store::Webhook& w = out.webhook;
  w.id = base::NewId(base::kWebhookPrefix, now);
  w.org_id = caller.org_id;
  w.url = request.url;
  w.events = std::move(events);
  w.secret_sealed = keyring_.Seal(out.secret, WebhookSecretContext(w.id));
  w.created_by = caller.actor();
  w.created_at = now;
  auto r = store_.Write([&](store::Tx& tx) -> Result<void> {
    // Two creations at once (two processes on PostgreSQL) would both count below the limit.
    HERALD_RETURN_IF_ERROR(tx.LockOrganization(caller.org_id));
    HERALD_ASSIGN_OR_RETURN(auto existing, tx.ListWebhooks(caller.org_id));
    if (static_cast<int>(existing.size()) >= kMaxWebhooksPerOrganization) {
      return base::ResourceExhausted("an organization has at most " +
                                     std::to_string(kMaxWebhooksPerOrganization) +
                                     " webhooks; delete_webhook one first");
    }
    HERALD_RETURN_IF_ERROR(tx.InsertWebhook(w));
    Audit(tx, caller, "webhook.create", w.id,
          Json{{"url", UrlForAudit(w.url)}, {"events", w.events}}, now);
    return base::Ok();
  });
  if (!r.ok()) return std::move(r).error();
  return out;
}

Result<store::Webhook> WebhookService::Visible(store::Tx& tx, const base::Caller& caller,
                                               const std::string& webhook_id) {
  if (!base::IsValidId(webhook_id, base::kWebhookPrefix)) {
    return FieldError("webhook_id", Quote(webhook_id) + " is not a webhook id (whk_...)");
  }
  auto w = tx.GetWebhook(caller.org_id, webhook_id);
  if (!w.ok() && w.error().code() == base::ErrorCode::kNotFound) {
    return base::NotFound("no webhook " + Quote(webhook_id) + " (list_webhooks shows yours)");
  }
  return w;
}

Result<std::vector<store::Webhook>> WebhookService::ListSync(const base::Caller& caller) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, base::Role::kAdmin));
  return store::ReadValue<std::vector<store::Webhook>>(
      store_, [&](store::Tx& tx) { return tx.ListWebhooks(caller.org_id); });
}

Result<void> WebhookService::DeleteSync(const base::Caller& caller,
                                        const std::string& webhook_id) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, base::Role::kAdmin));
  return store_.Write([&](store::Tx& tx) -> Result<void> {
    HERALD_ASSIGN_OR_RETURN(store::Webhook w, Visible(tx, caller, webhook_id));
    HERALD_RETURN_IF_ERROR(tx.DeleteWebhook(caller.org_id, w.id));
    Audit(tx, caller, "webhook.delete", w.id, Json{{"url", UrlForAudit(w.url)}}, clock_.Now());
    return base::Ok();
  });
}

Result<std::vector<store::WebhookDelivery>> WebhookService::ListDeliveriesSync(
    const base::Caller& caller, const std::string& webhook_id, int limit) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, base::Role::kAdmin));
  if (limit < 1 || limit > 200) return FieldError("limit", "must be 1 to 200");
  return store::ReadValue<std::vector<store::WebhookDelivery>>(
      store_, [&](store::Tx& tx) -> Result<std::vector<store::WebhookDelivery>> {
        if (!webhook_id.empty()) HERALD_RETURN_IF_ERROR(Visible(tx, caller, webhook_id));
        return tx.ListWebhookDeliveries(caller.org_id, webhook_id, limit);
      });
}

Task<Result<CreatedWebhook>> WebhookService::Create(base::Caller caller,
                                                    CreateWebhookRequest request) {
  co_return co_await base::RunBlocking(blocking_, [&] { return CreateSync(caller, request); });
}
Task<Result<std::vector<store::Webhook>>> WebhookService::List(base::Caller caller) {
  co_return co_await base::RunBlocking(blocking_, [&] { return ListSync(caller); });
}
Task<Result<void>> WebhookService::Delete(base::Caller caller, std::string webhook_id) {
  co_return co_await base::RunBlocking(blocking_, [&] { return DeleteSync(caller, webhook_id); });
}
Task<Result<std::vector<store::WebhookDelivery>>> WebhookService::ListDeliveries(
    base::Caller caller, std::string webhook_id, int limit) {
  co_return co_await base::RunBlocking(
      blocking_, [&] { return ListDeliveriesSync(caller, webhook_id, limit); });
}

Result<int> WebhookService::PruneDeliveries(std::chrono::hours keep) {
  constexpr int kBatch = 5'000;
  const base::Time cutoff = clock_.Now() - keep;
  int total = 0;
  for (;;) {
    HERALD_ASSIGN_OR_RETURN(int n, store::WriteValue<int>(store_, [&](store::Tx& tx) {
                              return tx.DeleteSettledWebhookDeliveries(cutoff, kBatch);
                            }));
    total += n;
    if (n < kBatch) return total;
  }
}

}  // namespace herald::core
