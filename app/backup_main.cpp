// `herald backup` and `herald restore`: one portable backup file (store/backup.h), taken while
// herald runs and restored into an empty database of either backend.
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "app/app.h"
#include "base/clock.h"
#include "base/time.h"
#include "core/backup_scheduler.h"
#include "core/credentials.h"
#include "store/backup.h"
#include "store/secret_key.h"

namespace herald::app {
namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "herald: %s\n", message.c_str());
  return 2;
}

// 2 for what the user can fix (bad file, not empty, wrong key); 1 for anything else.
int ExitCodeOf(const base::Error& e) {
  switch (e.code()) {
    case base::ErrorCode::kInvalidArgument:
    case base::ErrorCode::kNotFound:
    case base::ErrorCode::kFailedPrecondition:
    case base::ErrorCode::kAlreadyExists:
      return 2;
    default:
      return 1;
  }
}

int64_t RowsOf(const store::BackupManifest& m, std::string_view table) {
  for (const auto& t : m.tables) {
    if (t.name == table) return t.rows;
  }
  return 0;
}

// Counts the restored accounts and grants whose credentials this keyring cannot open.
std::pair<int, int> UnopenableCredentials(store::Store& store, const base::Keyring& keyring) {
  int failed = 0, total = 0;
  auto r = store.Read([&](store::Tx& tx) -> base::Result<void> {
    HERALD_ASSIGN_OR_RETURN(std::vector<store::Organization> orgs, tx.ListOrganizations());
    for (const auto& org : orgs) {
      HERALD_ASSIGN_OR_RETURN(std::vector<store::Account> accounts, tx.ListAccounts(org.id));
      for (const auto& account : accounts) {
        if (account.credentials_sealed.empty()) continue;
        ++total;
        auto opened = core::OpenAccountCredentials(keyring, account);
        if (!opened.ok() && opened.error().code() != base::ErrorCode::kFailedPrecondition) {
          ++failed;
        }
      }
    }
    return base::Ok();
  });
  if (!r.ok()) return {0, 0};
  return {failed, total};
}

}  // namespace

int RunBackup(const Config& config, const std::string& out) {
  auto keyring = store::LoadKeyring(config.data_dir, {config.secret_key, config.secret_keys_old});
  if (!keyring.ok()) return Fail(keyring.error().message());
  auto opened = OpenStoreForCli(config, /*migrate=*/false);
  if (!opened.ok()) return Fail(opened.error().message());
  store::Store& store = **opened;
  const base::Time now = base::SystemClock::Instance().Now();
  store::BackupInfo info{
      .herald_version = HERALD_VERSION, .secret_key_id = keyring->primary_id(), .now = now};
  if (out == "-") {
    auto written = store::WriteBackup(store, info, std::cout);
    if (!written.ok()) return Fail(written.error().message());
    std::fprintf(stderr, "herald: backup of %lld rows written to stdout\n",
                 static_cast<long long>(written->total_rows()));
    return 0;
  }
  std::string path = out;
  if (path.empty()) {
    std::string dir = config.backup_dir.empty() ? config.data_dir + "/backups" : config.backup_dir;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return Fail("cannot create the backup directory " + dir + ": " + ec.message());
    path = dir + "/" + core::BackupScheduler::FileNameAt(now);
  }
  auto written = store::WriteBackupFile(store, info, path);
  if (!written.ok()) return Fail(written.error().message());
  auto verified = store::VerifyBackupFile(path);
  if (!verified.ok()) return Fail("the backup did not verify: " + verified.error().message());
  std::fprintf(stderr,
               "herald: backup of %lld rows in %zu tables (schema version %d, secret key %s) "
               "written and verified; keep the secret key with it\n",
               static_cast<long long>(written->total_rows()), written->tables.size(),
               written->schema_version, written->secret_key_id.c_str());
  std::printf("%s\n", path.c_str());
  std::fflush(stdout);
  return 0;
}

int RunRestore(const Config& config, const std::string& path, bool ignore_key_mismatch) {
  auto manifest = store::VerifyBackupFile(path);
  if (!manifest.ok()) return Fail(manifest.error().message());
  auto keyring = store::LoadKeyring(config.data_dir, {config.secret_key, config.secret_keys_old});
  if (!keyring.ok()) return Fail(keyring.error().message());
  const int64_t sealed = RowsOf(*manifest, "accounts") + RowsOf(*manifest, "oauth_grants");
  if (sealed > 0 && !manifest->secret_key_id.empty() && !keyring->Has(manifest->secret_key_id) &&
      !ignore_key_mismatch) {
    return Fail("the backup's credentials were sealed with secret key " + manifest->secret_key_id +
                ", which this herald does not have (its key is " + keyring->primary_id() +
                "): set HERALD_SECRET_KEY (or <data>/secret.key) to the key kept with the "
                "backup, or add it to HERALD_SECRET_KEYS_OLD; --ignore-key-mismatch restores "
                "anyway and every account must then be connected again. Nothing was changed");
  }
  auto opened = OpenStoreForCli(config, /*migrate=*/false);
  if (!opened.ok()) return Fail(opened.error().message());
  store::Store& store = **opened;
  // Refuse a database with data before migrating anything in it.
  auto version = store.SchemaVersion();
  if (!version.ok()) return Fail(version.error().message());
  if (*version > 0) {
    auto first = store::FirstNonEmptyTable(store);
    if (!first.ok()) return Fail(first.error().message());
    if (!first->first.empty()) {
      return Fail("the database is not empty (table " + first->first + " has " +
                  std::to_string(first->second) +
                  " rows): restore only into an empty database; nothing was changed");
    }
  }
  if (auto migrated = store.Migrate(); !migrated.ok()) return Fail(migrated.error().message());
  auto restored = store::RestoreBackupFile(store, path);
  if (!restored.ok()) {
    std::fprintf(stderr, "herald: %s\n", restored.error().message().c_str());
    return ExitCodeOf(restored.error());
  }
  std::fprintf(stderr,
               "herald: restored %lld rows in %zu tables from %s (taken %s by herald %s on %s, "
               "schema version %d)\n",
               static_cast<long long>(restored->total_rows()), restored->tables.size(),
               path.c_str(), base::FormatRfc3339(restored->created_at).c_str(),
               restored->herald_version.c_str(), restored->backend.c_str(),
               restored->schema_version);
  auto [failed, total] = UnopenableCredentials(store, *keyring);
  if (failed > 0) {
    std::fprintf(stderr,
                 "herald: warning: the credentials of %d of %d accounts cannot be opened with "
                 "this secret key (%s); they must be connected again, or restart herald with "
                 "the key kept with the backup\n",
                 failed, total, keyring->primary_id().c_str());
  }
  return 0;
}

namespace {

// The thread that drives a BackupScheduler in serve: waits until the next step is due (or until
// stopped), then steps.
class BackupThread final : public BackupHandle {
 public:
  BackupThread(store::Store& store, core::BackupSchedulerOptions options, const base::Clock& clock)
      : clock_(clock), scheduler_(store, std::move(options), clock.Now()) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~BackupThread() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  const core::BackupScheduler& scheduler() const override { return scheduler_; }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
      lock.unlock();
      base::Time next = scheduler_.Step(clock_.Now());
      lock.lock();
      cv_.wait_until(lock, std::chrono::system_clock::now() + (next - clock_.Now()),
                     [this] { return stop_; });
    }
  }

  const base::Clock& clock_;
  core::BackupScheduler scheduler_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace

std::unique_ptr<BackupHandle> StartBackups(store::Store& store, const base::Keyring& keyring,
                                           const Config& config, const base::Clock& clock) {
  if (config.backup_dir.empty()) return nullptr;
  core::BackupSchedulerOptions options;
  options.dir = config.backup_dir;
  options.keep = static_cast<int>(config.backup_keep);
  options.herald_version = HERALD_VERSION;
  options.secret_key_id = keyring.primary_id();
  spdlog::info("daily backups to {} (keeping {})", options.dir, options.keep);
  return std::make_unique<BackupThread>(store, std::move(options), clock);
}

}  // namespace herald::app
