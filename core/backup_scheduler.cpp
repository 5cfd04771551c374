#include "core/backup_scheduler.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <system_error>

namespace herald::core {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kPrefix = "herald-";
constexpr std::string_view kSuffix = ".jsonl";

bool IsBackupName(const std::string& name) {
  return name.size() == kPrefix.size() + 16 + kSuffix.size() && name.starts_with(kPrefix) &&
         name.ends_with(kSuffix);
}

}  // namespace

BackupScheduler::BackupScheduler(store::Store& store, BackupSchedulerOptions options,
                                 base::Time started)
    : store_(store), options_(std::move(options)), started_(started), next_due_(started) {
  std::vector<std::string> existing = ListBackups(options_.dir);
  for (auto it = existing.rbegin(); it != existing.rend(); ++it) {
    auto manifest = store::ReadBackupManifest(*it);
    if (!manifest.ok()) continue;
    last_good_ = manifest->created_at;
    next_due_ = std::max(started, manifest->created_at + options_.interval);
    break;
  }
}

std::string BackupScheduler::FileNameAt(base::Time t) {
  std::time_t secs =
      std::chrono::system_clock::to_time_t(std::chrono::time_point_cast<std::chrono::seconds>(t));
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return std::string(kPrefix) + buf + std::string(kSuffix);
}

std::vector<std::string> BackupScheduler::ListBackups(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (entry.is_regular_file(ec) && IsBackupName(name)) out.push_back(entry.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

base::Result<std::string> BackupScheduler::BackupNow(base::Time now) {
  std::error_code ec;
  fs::create_directories(options_.dir, ec);
  if (ec) {
    return base::Unavailable("cannot create the backup directory " + options_.dir + ": " +
                             ec.message());
  }
  std::string path = (fs::path(options_.dir) / FileNameAt(now)).string();
  store::BackupInfo info{.herald_version = options_.herald_version,
                         .secret_key_id = options_.secret_key_id,
                         .now = now};
  HERALD_ASSIGN_OR_RETURN(store::BackupManifest written,
                          store::WriteBackupFile(store_, info, path));
  auto verified = store::VerifyBackupFile(path);
  if (!verified.ok() || verified->total_rows() != written.total_rows()) {
    fs::remove(path, ec);
    return base::Unavailable(
        "the backup " + path + " did not verify: " +
        (verified.ok() ? std::string("row counts differ") : verified.error().message()));
  }
  Rotate();
  return path;
}

base::Time BackupScheduler::Step(base::Time now) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (now < next_due_) return next_due_;
  }
  auto done = BackupNow(now);
  std::lock_guard<std::mutex> lock(mu_);
  if (done.ok()) {
    last_good_ = now;
    consecutive_failures_ = 0;
    next_due_ = now + options_.interval;
    spdlog::info("backup written and verified: {}", *done);
  } else {
    ++consecutive_failures_;
    ++failures_total_;
    auto wait = options_.first_retry * (1LL << std::min(consecutive_failures_ - 1, 20));
    wait = std::min<std::chrono::minutes>(wait, options_.max_retry);
    next_due_ = now + wait;
    spdlog::error("backup failed (attempt {} since the last good backup; retrying in {} min): {}",
                  consecutive_failures_, wait.count(), done.error().message());
  }
  return next_due_;
}

void BackupScheduler::Rotate() {
  std::vector<std::string> all = ListBackups(options_.dir);
  const size_t keep = static_cast<size_t>(std::max(1, options_.keep));
  for (size_t i = 0; i + keep < all.size(); ++i) {
    std::error_code ec;
    fs::remove(all[i], ec);
    if (ec) spdlog::warn("cannot remove the old backup {}: {}", all[i], ec.message());
  }
}

double BackupScheduler::SecondsSinceLastGood(base::Time now) const {
  std::lock_guard<std::mutex> lock(mu_);
  base::Time since = last_good_.value_or(started_);
  return std::chrono::duration<double>(now - since).count();
}

std::optional<base::Time> BackupScheduler::last_good() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_good_;
}

int BackupScheduler::consecutive_failures() const {
  std::lock_guard<std::mutex> lock(mu_);
  return consecutive_failures_;
}

int64_t BackupScheduler::failures_total() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failures_total_;
}

}  // namespace herald::core
