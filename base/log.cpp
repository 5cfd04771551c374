#include "base/log.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "base/time.h"

namespace herald::base {
namespace {

// One JSON object per line: {"ts": "...", "level": "info", "msg": "..."}.
class JsonStderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    nlohmann::json line;
    line["ts"] = FormatRfc3339(std::chrono::time_point_cast<Micros>(msg.time));
    line["level"] = std::string(spdlog::level::to_string_view(msg.level).data(),
                                spdlog::level::to_string_view(msg.level).size());
    line["msg"] = std::string(msg.payload.data(), msg.payload.size());
    std::string out = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stderr);
  }
  void flush_() override { std::fflush(stderr); }
};

}  // namespace

Result<LogFormat> ParseLogFormat(std::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return InvalidArgument("log format must be 'text' or 'json', got '" + std::string(name) + "'");
}

Result<void> InitLogging(LogFormat format, std::string_view level) {
  auto lvl = spdlog::level::from_str(std::string(level));
  if (lvl == spdlog::level::off && level != "off") {
    return InvalidArgument("log level must be one of trace, debug, info, warn, error, off; got '" +
                           std::string(level) + "'");
  }
  std::shared_ptr<spdlog::logger> logger;
  if (format == LogFormat::kJson) {
    logger = std::make_shared<spdlog::logger>("herald", std::make_shared<JsonStderrSink>());
  } else {
    logger = std::make_shared<spdlog::logger>(
        "herald", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  }
  logger->set_level(lvl);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  return Ok();
}

}  // namespace herald::base
