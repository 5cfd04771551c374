// RequestLog: the last API requests an emulator received (not the control plane), so tests can
// check what an adapter sent (an Idempotency-Key header, a form field, how many attempts).
// A ring of kCapacity entries; thread-safe.
#ifndef HERALD_TESTS_EMULATORS_COMMON_REQUEST_LOG_H_
#define HERALD_TESTS_EMULATORS_COMMON_REQUEST_LOG_H_

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "base/json.h"

namespace herald::emulators {

using base::Json;

struct LoggedRequest {
  int64_t seq = 0;
  std::string method;
  std::string path;
  std::string query;
  std::vector<std::pair<std::string, std::string>> headers;
  size_t body_size = 0;
  std::string body;   // the first kBodyPrefix bytes
  int status = 0;     // 0 = dropped without an answer
  std::string fault;  // the fault kind that fired, or ""

  std::string Header(std::string_view name) const;  // case-insensitive, "" when absent
  Json ToJson() const;
};

class RequestLog {
 public:
  static constexpr size_t kCapacity = 2'000;
  static constexpr size_t kBodyPrefix = 4'096;

  // Records a request; returns its seq.
  int64_t Add(LoggedRequest request);
  // Sets the outcome of request `seq` (if still in the ring).
  void Finish(int64_t seq, int status, std::string fault);
  std::vector<LoggedRequest> List() const;
  void Clear();

 private:
  mutable std::mutex mu_;
  std::deque<LoggedRequest> entries_;
  int64_t next_seq_ = 1;
};

}  // namespace herald::emulators

#endif  // HERALD_TESTS_EMULATORS_COMMON_REQUEST_LOG_H_
