#include "transport/stdio/stdio_refusal.h"

#include <unistd.h>

#include <cerrno>
#include <string_view>

#include "base/json.h"
#include "mcp/protocol/jsonrpc.h"

namespace herald::transport {
namespace {

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// The reply to one line: an error for a request, nothing for anything else.
std::string ReplyTo(std::string_view line, const std::string& reason) {
  auto parsed = base::ParseJson(line);
  if (!parsed.ok() || !parsed->is_object()) return "";
  if (mcp::ClassifyMessage(*parsed) != mcp::MessageKind::kRequest) return "";
  return base::DumpJson(mcp::MakeError((*parsed)["id"], kStdioRefused, reason)) + "\n";
}

}  // namespace

void RefuseStdio(int in_fd, int out_fd, const std::string& reason) {
  std::string buffer;
  char chunk[4096];
  for (;;) {
    ssize_t n = ::read(in_fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    buffer.append(chunk, static_cast<size_t>(n));
    for (size_t nl = buffer.find('\n'); nl != std::string::npos; nl = buffer.find('\n')) {
      std::string reply = ReplyTo(std::string_view(buffer).substr(0, nl), reason);
      buffer.erase(0, nl + 1);
      if (!reply.empty() && !WriteAll(out_fd, reply)) return;
    }
    if (buffer.size() > (1u << 20)) buffer.clear();  // no line this long is a request we answer
  }
}

}  // namespace herald::transport
