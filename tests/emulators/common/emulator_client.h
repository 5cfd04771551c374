// EmulatorClient: a small blocking HTTP/1.1 client for tests to drive an emulator over
// loopback: the /__emulator/ control plane (arm faults, list posts, reset, tokens) and raw API
// requests (to check status codes and headers the way a network client would see them).
// Plain http:// to a loopback address only; every call has a timeout. One request per
// connection. Thread-compatible (one client per thread, or external locking).
#ifndef HERALD_TESTS_EMULATORS_COMMON_EMULATOR_CLIENT_H_
#define HERALD_TESTS_EMULATORS_COMMON_EMULATOR_CLIENT_H_

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/json.h"
#include "base/result.h"

namespace herald::emulators {

using base::Json;

struct RawResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string Header(std::string_view name) const;  // case-insensitive, "" when absent
  Json JsonBody() const;                            // parsed body, or null when not JSON
};

class EmulatorClient {
 public:
  // `base_url` is "http://127.0.0.1:PORT".
  explicit EmulatorClient(std::string base_url,
                          std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Sends one request to `path_and_query` ("/api/v1/statuses?x=1"). Errors: kUnavailable when
  // the connection fails; kUnknown when the server closed it without answering (a dropped
  // request) or the timeout passed after sending.
  base::Result<RawResponse> Send(std::string_view method, std::string_view path_and_query,
                                 std::vector<std::pair<std::string, std::string>> headers = {},
                                 std::string body = {});

  // Control plane helpers; each fails with the emulator's {"error"} message on a non-200.
  base::Result<std::string> ArmFault(const Json& fault);  // returns the fault id
  base::Result<void> ClearFaults();
  base::Result<Json> Posts();     // the "posts" array
  base::Result<Json> Requests();  // the "requests" array
  base::Result<Json> Info();
  base::Result<void> Reset();
  base::Result<Json> CreateToken(const Json& args);
  base::Result<void> RevokeToken(std::string_view token);
  base::Result<void> ExpireTokens(std::string_view token = {});
  base::Result<Json> SetConfig(const Json& patch);
  base::Result<Json> SetMetrics(std::string_view post_id, const Json& metrics);
  base::Result<Json> Control(std::string_view network, std::string_view action, const Json& body);

 private:
  base::Result<Json> ControlCall(std::string_view method, std::string path, const Json& body);

  std::string host_;
  std::string port_;
  std::chrono::milliseconds timeout_;
};

}  // namespace herald::emulators

#endif  // HERALD_TESTS_EMULATORS_COMMON_EMULATOR_CLIENT_H_
