// InputRound: the multi-round-trip state (MRTR, 2026-07-28) of one modern-era request. In that
// era the server never sends requests to the client: a tool (or prompt) that needs the client's
// help (elicitation/create, sampling/createMessage, roots/list) answers with an
// InputRequiredResult naming what it needs; the client retries the same request with
// `inputResponses` and the opaque `requestState` of the previous round.
//
// herald runs the handler again on each round: every input it asks for has a name (given, or
// "input_<n>" in asking order); Answer(name) returns the client's answer from this round or any
// earlier one. Earlier answers travel in requestState, sealed with HMAC-SHA256 over the caller's
// organization and key, so a client cannot forge or replay another caller's answers; a
// tampered state is refused (-32602). Used by one request at a time; thread-safe.
#ifndef HERALD_MCP_SERVER_INPUT_ROUND_H_
#define HERALD_MCP_SERVER_INPUT_ROUND_H_

#include <mutex>
#include <string>
#include <string_view>

#include "base/caller.h"
#include "base/json.h"
#include "base/result.h"

namespace herald::mcp {

using base::Json;

class InputRound {
 public:
  // Reads params.inputResponses (absent, or an object whose values are objects) and
  // params.requestState (absent, or a string this server sealed for `caller` with `secret`).
  // kInvalidArgument naming the field otherwise.
  static base::Result<InputRound> FromParams(const Json& params, const base::Caller& caller,
                                             std::string secret);

  InputRound(const InputRound& other);
  InputRound& operator=(const InputRound&) = delete;

  // The client's answer to input `name`, or null when it has not answered yet.
  Json Answer(std::string_view name) const;
  // The name of the next unnamed input ("input_1", "input_2", ... in asking order).
  std::string NextName();
  // Records that the handler needs input `name` (a client request `method` with `params`).
  void Ask(std::string name, std::string method, Json params);
  // Records that the handler needs a client capability the request did not declare
  // ("sampling", "elicitation", "roots").
  void RequireCapability(std::string capability);

  bool needs_input() const;
  // {capability: {}} for every capability RequireCapability named; empty object if none.
  Json required_capabilities() const;
  // {"resultType":"input_required","inputRequests":{...},"requestState":"..."}: every answer
  // so far sealed into the new state.
  Json InputRequiredResult() const;

 private:
  InputRound(const base::Caller& caller, std::string secret);
  std::string Seal(const Json& answers) const;

  std::string binding_;  // org + key of the caller, part of what the HMAC covers
  std::string secret_;
  mutable std::mutex mu_;
  Json answers_ = Json::object();
  Json requests_ = Json::object();
  Json capabilities_ = Json::object();
  int next_name_ = 1;
};

}  // namespace herald::mcp

#endif  // HERALD_MCP_SERVER_INPUT_ROUND_H_
