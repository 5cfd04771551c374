// Tool: one MCP tool (also reachable as POST /api/v1/tools/{name}).
//
// A tool declares its spec (name, title, description, annotations, required role): the
// title, description and annotations come from schemas/tools/<name>.tool.json
// (tools/tool_metadata.h), its input and output JSON Schemas from schemas/tools/<name>.input.json
// / .output.json, all embedded in the binary. The registry (in mcp/) validates arguments against the input schema
// before Call, so Call receives well-typed JSON; Call decodes it into a plain struct, calls the
// core, and shapes the result. Tools are thin and stateless; they are shared across sessions.
#ifndef HERALD_TOOLS_TOOL_H_
#define HERALD_TOOLS_TOOL_H_

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/async.h"
#include "base/caller.h"
#include "base/json.h"
#include "base/result.h"
#include "store/model.h"

namespace herald::tools {

using base::Json;
using base::Result;
using base::Task;

struct Annotations {
  bool read_only = false;    // readOnlyHint
  bool destructive = false;  // destructiveHint
  bool idempotent = false;   // idempotentHint
  bool open_world = true;    // openWorldHint
};

struct ToolSpec {
  std::string name;         // snake_case, <= 40 characters, = the schema file stem
  std::string title;
  std::string description;  // written for a model: what it does, when to use it
  Annotations annotations;
  base::Role required_role = base::Role::kViewer;
  // Rewrites arguments written in a form an earlier input schema accepted into today's form;
  // applied before validation (empty: none).
  std::function<Json(Json)> upgrade_arguments;
};

// What a tool returns. Normally only `structured` is set (an object matching the output
// schema); the MCP layer mirrors it as a text block. `content` overrides the content blocks
// (image, audio, resource ...) when a tool needs them.
struct ToolOutput {
  Json structured;                    // null when the tool has no structured output
  Json content = Json::array();       // MCP content blocks; empty = derived from `structured`
  bool is_error = false;              // a tool-level failure reported as content
};

enum class LogLevel { kDebug, kInfo, kNotice, kWarning, kError, kCritical, kAlert, kEmergency };

// Per-call services the transport provides. Implemented by mcp/; a plain REST call gets a
// context where notifications go nowhere and client requests are unavailable.
class ToolContext {
 public:
  virtual ~ToolContext() = default;

  virtual const base::Caller& caller() const = 0;

  // True once the client cancelled this call (notifications/cancelled) or the server is
  // shutting down. Long tools check it between steps and return kCancelled.
  virtual bool cancelled() const = 0;

  // Sends notifications/progress when the client asked for it (a progressToken); else no-op.
  // `progress` must increase from call to call.
  virtual void Progress(double progress, std::optional<double> total,
                        std::string message = {}) = 0;

  // Whether the client asked for progress on this call (a progressToken): a tool may then
  // follow long work to its end, reporting as it goes, instead of answering at once.
  virtual bool WantsProgress() const { return false; }

  // Sends notifications/message at `level` if the session's logging level lets it through.
  virtual void Log(LogLevel level, Json data) = 0;

  // Whether the client declared the capability: sampling; elicitation form / url mode.
  virtual bool CanSample() const = 0;
  virtual bool CanElicitForm() const = 0;
  virtual bool CanElicitUrl() const = 0;

  // Sends a server-to-client request (e.g. "sampling/createMessage", "elicitation/create") and
  // returns the client's result. Errors: kFailedPrecondition if the client lacks the capability,
  // kDeadlineExceeded after `timeout`, kCancelled if the call was cancelled, and the client's
  // JSON-RPC error as kUnavailable/kInvalidArgument.
  virtual Task<Result<Json>> Request(std::string method, Json params,
                                     std::chrono::milliseconds timeout) = 0;
  // Request, naming the input `name` (stable across calls of the tool). In MCP 2026-07-28 a
  // server cannot send requests to the client: the call then ends with an InputRequiredResult
  // asking for every named input it lacks, and is run again once the client answered, so
  // Request returns the answer at once (or fails while the answer is still missing; return
  // then without side effects). Earlier revisions send the request and wait, as Request does.
  virtual Task<Result<Json>> RequestInput(std::string name, std::string method, Json params,
                                          std::chrono::milliseconds timeout) {
    (void)name;
    return Request(std::move(method), std::move(params), timeout);
  }

  // A function that sends one notification (`method`, `params`) to this client LATER, after
  // the call returned (e.g. notifications/elicitation/complete when an out-of-band sign-in
  // finished), on the session's standing channel (the GET stream, SSE, stdout). It returns
  // false when it could not (the session ended, or has no open channel). Empty when the client
  // cannot be reached later (REST, a stateless request) or the session negotiated a protocol
  // revision older than `min_protocol`. Callable from any thread; it never keeps the session
  // alive. The default: empty.
  using LaterNotify = std::function<bool(const std::string& method, Json params)>;
  virtual LaterNotify NotifyLater(std::string_view min_protocol) {
    (void)min_protocol;
    return {};
  }
};

class Tool {
 public:
  virtual ~Tool() = default;
  virtual const ToolSpec& spec() const = 0;
  // Runs the tool on validated `args`. A returned Error becomes an isError result whose text is
  // the error message (kInternal shows a generic message; the detail goes to the log).
  virtual Task<Result<ToolOutput>> Call(Json args, ToolContext& ctx) = 0;
};

}  // namespace herald::tools

#endif  // HERALD_TOOLS_TOOL_H_
