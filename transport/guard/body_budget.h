// BodyBudget: bounds the request-body bytes each API key has in flight (received and being
// parsed or handled), so one key's huge bodies cannot take the memory and CPU other keys need.
//
// A request takes a Lease on its body size before its JSON is parsed and returns it when its
// handler is done. A lease that would take the key over its budget is refused (the caller
// answers 429 with Retry-After), except when the key has nothing in flight: a single body is
// bounded by the route's body limit, never by the budget. Thread-safe.
#ifndef HERALD_TRANSPORT_GUARD_BODY_BUDGET_H_
#define HERALD_TRANSPORT_GUARD_BODY_BUDGET_H_

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace herald::transport {

class BodyBudget {
 public:
  // Bytes held by one key; returned to the budget when destroyed. Move-only.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

   private:
    friend class BodyBudget;
    Lease(BodyBudget* budget, std::string key, size_t bytes)
        : budget_(budget), key_(std::move(key)), bytes_(bytes) {}
    BodyBudget* budget_;
    std::string key_;
    size_t bytes_;
  };

  // `per_key_bytes` = 0 disables the budget (every lease is granted).
  explicit BodyBudget(size_t per_key_bytes) : per_key_bytes_(per_key_bytes) {}

  // A lease on `bytes` for `key`, or nullopt when the key already holds other bytes and this
  // would take it over the budget. The budget must outlive its leases.
  std::optional<Lease> TryAcquire(std::string_view key, size_t bytes);

  // Bytes `key` holds now.
  size_t in_flight(std::string_view key) const;
  size_t per_key_bytes() const { return per_key_bytes_; }

 private:
  void Release(const std::string& key, size_t bytes);

  const size_t per_key_bytes_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, size_t> in_flight_;  // keys with bytes held only
};

}  // namespace herald::transport

#endif  // HERALD_TRANSPORT_GUARD_BODY_BUDGET_H_
