// Crash test: the real `herald worker` binary publishes 1,000+ due posts to loopback emulator
// PROCESSES while it is killed with SIGKILL at random moments (at least 20 times) and
// restarted; the emulators also drop answers after applying requests. Afterwards every post is
// on a network with native idempotency (Mastodon) exactly once, and on a network without it
// (Telegram) at most once, `unknown` when herald could not know; never twice, never lost.
// Runs on SQLite and on PostgreSQL (HERALD_TEST_PG_URL), and with two herald processes sharing
// one PostgreSQL.
//
// Accounts are connected through the real AccountService against the emulators (as
// connect_account does); posts are created through the real PostService in this process, on
// the same database the herald processes use.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "base/time.h"
#include "app/config.h"
#include "app/services.h"
#include "tests/emulators/common/emulator_client.h"
#include "tests/emulators/common/emulator_process.h"
#include "tests/store/test_support.h"
#include "tests/support/core_env.h"
#include "tests/support/result_matchers.h"

namespace herald {
namespace {

using ::herald::matchers::IsOk;

using std::chrono::milliseconds;
using std::chrono::seconds;

// `herald worker` as a child: stdout read for the ready line, stderr to a log file.
class HeraldProcess {
 public:
  static std::unique_ptr<HeraldProcess> Start(const std::vector<std::string>& argv,
                                              const std::map<std::string, std::string>& env,
                                              const std::string& log_path) {
    int out[2];
    if (pipe(out) != 0) return nullptr;
    pid_t pid = fork();
    if (pid < 0) return nullptr;
    if (pid == 0) {
      int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      dup2(out[1], STDOUT_FILENO);
      if (log >= 0) dup2(log, STDERR_FILENO);
      int devnull = open("/dev/null", O_RDONLY);
      if (devnull >= 0) dup2(devnull, STDIN_FILENO);
      close(out[0]);
      close(out[1]);
      for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
    close(out[1]);
    auto p = std::unique_ptr<HeraldProcess>(new HeraldProcess());
    p->pid_ = pid;
    p->out_ = out[0];
    return p;
  }
  ~HeraldProcess() {
    Kill(SIGKILL);
    if (out_ >= 0) close(out_);
  }

  // Waits (bounded) for a stdout line containing `text`.
  bool WaitFor(const std::string& text, milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (buffer_.find(text) == std::string::npos) {
      auto left = std::chrono::duration_cast<milliseconds>(deadline -
                                                           std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      char buf[4096];
      ssize_t n = read(out_, buf, sizeof(buf));
      if (n <= 0) return false;
      buffer_.append(buf, static_cast<size_t>(n));
    }
    return true;
  }

  // Sends `sig` and reaps the child (bounded; SIGKILL after 15 s). Waits on the child's exit
  // (a pidfd becomes readable when it exits), not on time.
  int Kill(int sig) {
    if (pid_ <= 0) return status_;
    const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
    kill(pid_, sig);
    if (pidfd >= 0) {
      pollfd p{pidfd, POLLIN, 0};
      if (poll(&p, 1, 15'000) <= 0) kill(pid_, SIGKILL);  // not gone in time
      close(pidfd);
    } else if (sig != SIGKILL) {
      kill(pid_, SIGKILL);  // no pidfd (old kernel): no bounded wait, so no grace either
    }
    int status = 0;
    waitpid(pid_, &status, 0);  // exited, or killed just now
    pid_ = -1;
    status_ = status;
    return status;
  }

  // Reads (and drops) the child's output until `deadline`; false as soon as its stdout closes
  // (the child exited on its own). Returns true when the deadline passed with the child alive.
  bool WatchUntil(std::chrono::steady_clock::time_point deadline) {
    while (true) {
      auto left = std::chrono::duration_cast<milliseconds>(deadline -
                                                           std::chrono::steady_clock::now());
      if (left.count() <= 0) return true;
      pollfd p{out_, POLLIN, 0};
      int ready = poll(&p, 1, static_cast<int>(left.count()));
      if (ready < 0) return errno == EINTR ? WatchUntil(deadline) : false;
      if (ready == 0) return true;
      char buf[4096];
      ssize_t n = read(out_, buf, sizeof(buf));
      if (n <= 0) return false;
    }
  }

 private:
  HeraldProcess() = default;
  pid_t pid_ = -1;
  int out_ = -1;
  int status_ = -1;
  std::string buffer_;
};

struct CrashCase {
  const char* name;
  store::testing::BackendKind backend;
  int processes;
};

class CrashTest : public ::testing::TestWithParam<CrashCase> {};

TEST_P(CrashTest, EveryPostExactlyOnceThroughSigkills) {
  const CrashCase& c = GetParam();
  constexpr int kPosts = 1000;           // due posts
  constexpr int kKills = 20;             // SIGKILLs at random moments
  constexpr int kAccountsPerNetwork = 8;

  store::testing::TempDir dir;
  auto db = store::testing::MakeTestDatabase(c.backend);
  ASSERT_THAT(db, IsOk());
  const std::string db_url = (*db)->url();

  // The emulators, as processes.
  auto mastodon = emulators::EmulatorProcess::Start(
      emulators::EmulatorProcess::DefaultBinary(HERALD_EMULATOR_BIN), "mastodon");
  ASSERT_THAT(mastodon, IsOk());
  auto telegram = emulators::EmulatorProcess::Start(
      emulators::EmulatorProcess::DefaultBinary(HERALD_EMULATOR_BIN), "telegram");
  ASSERT_THAT(telegram, IsOk());
  emulators::EmulatorClient mastodon_ctl((*mastodon)->base_url());
  emulators::EmulatorClient telegram_ctl((*telegram)->base_url());
  ASSERT_THAT(mastodon_ctl.SetConfig({{"rate_limit", 1'000'000}}), IsOk());
  ASSERT_THAT(telegram_ctl.SetConfig({{"chat_messages_per_minute", 1'000'000}}), IsOk());

  // Services on the same data directory and database as the herald processes.
  mcp::Config config;
  config.data_dir = dir.path();
  config.db_url = db_url;
  config.api_urls["telegram"] = (*telegram)->base_url();
  auto built = mcp::BuildServices(config);
  ASSERT_THAT(built, IsOk());
  mcp::Services& services = **built;
  core::Caller admin{services.default_org.id, "", store::Role::kAdmin};

  // Accounts, connected the way connect_account does it.
  std::vector<std::string> mastodon_accounts, telegram_accounts;
  for (int i = 0; i < kAccountsPerNetwork; ++i) {
    auto token = mastodon_ctl.CreateToken({{"username", "crash" + std::to_string(i)}});
    ASSERT_THAT(token, IsOk());
    auto connected = testing::Await(services.accounts->Connect(
        admin, "mastodon",
        {{"instance_url", (*mastodon)->base_url()}, {"access_token", (*token)["token"]}}));
    ASSERT_THAT(connected, IsOk());
    mastodon_accounts.push_back(connected->account.id);

    auto bot = telegram_ctl.CreateToken({{"username", "crashbot" + std::to_string(i)}});
    ASSERT_THAT(bot, IsOk());
    const int64_t chat_id = -1005000000000 - i;
    auto chat = telegram_ctl.Control("telegram", "chats",
                                     {{"id", chat_id},
                                      {"type", "channel"},
                                      {"title", "crash chat " + std::to_string(i)},
                                      {"bot_id", (*bot)["bot_id"]},
                                      {"bot_status", "administrator"},
                                      {"can_post_messages", true}});
    ASSERT_THAT(chat, IsOk());
    auto tg = testing::Await(services.accounts->Connect(
        admin, "telegram", {{"bot_token", (*bot)["token"]}, {"chat_id", std::to_string(chat_id)}}));
    ASSERT_THAT(tg, IsOk());
    telegram_accounts.push_back(tg->account.id);
  }

  // 1,000 due posts, each to one Mastodon and one Telegram account; every 10th is a thread.
  std::vector<std::string> post_ids;
  for (int i = 0; i < kPosts; ++i) {
    core::CreatePostRequest req;
    req.mode = core::CreateMode::kPublishNow;
    req.accounts = {mastodon_accounts[static_cast<size_t>(i % kAccountsPerNetwork)],
                    telegram_accounts[static_cast<size_t>((i / 3) % kAccountsPerNetwork)]};
    req.content.text = "crash post " + std::to_string(i);
    if (i % 10 == 0) req.content.thread = {{"crash post " + std::to_string(i) + " part 2", {}}};
    auto r = services.posts->CreateSync(admin, req);
    ASSERT_THAT(r, IsOk());
    post_ids.push_back(r->post.id);
  }

  const std::map<std::string, std::string> env = {
      {"HERALD_DATA", dir.path()},
      {"HERALD_DB", db_url},
      {"HERALD_TELEGRAM_API_URL", (*telegram)->base_url()},
      {"HERALD_WORKER_LEASE_MS", "2500"},
      {"HERALD_PUBLISH_TIMEOUT_MS", "1800"},
      {"HERALD_RETRY_INITIAL_MS", "200"},
      {"HERALD_RETRY_MAX_ATTEMPTS", "50"},
      // Slow enough that the kills land in the middle of the work.
      {"HERALD_PUBLISH_RATES", "mastodon=30/5,telegram=30/5"},
      {"HERALD_LOG_LEVEL", "warn"}};
  const std::vector<std::string> argv = {HERALD_BIN, "worker"};
  const std::string log = dir.File("herald.log");

  std::mt19937 rng(std::random_device{}());
  int kills = 0;
  for (; kills < kKills; ++kills) {
    // Now and then an answer is lost after the network applied the request.
    if (kills % 3 == 0) {
      ASSERT_TRUE(mastodon_ctl
                      .ArmFault({{"kind", "drop_after_accept"},
                                 {"method", "POST"},
                                 {"path", "/api/v1/statuses*"},
                                 {"count", 2}})
                      .ok());
      ASSERT_TRUE(telegram_ctl
                      .ArmFault({{"kind", "drop_after_accept"},
                                 {"method", "POST"},
                                 {"path", "*sendMessage*"},
                                 {"count", 1}})
                      .ok());
    }
    std::vector<std::unique_ptr<HeraldProcess>> procs;
    for (int p = 0; p < c.processes; ++p) {
      procs.push_back(HeraldProcess::Start(argv, env, log));
      ASSERT_NE(procs.back(), nullptr);
    }
    for (auto& p : procs) ASSERT_TRUE(p->WaitFor("worker running", seconds(30))) << log;
    // A random moment (the point of the test): the children's output is watched meanwhile, so
    // one that dies on its own is noticed rather than slept through.
    const auto kill_at = std::chrono::steady_clock::now() +
                         milliseconds(std::uniform_int_distribution<int>(50, 1200)(rng));
    for (auto& p : procs) EXPECT_TRUE(p->WatchUntil(kill_at)) << "herald exited early; see " << log;
    for (auto& p : procs) {
      int status = p->Kill(SIGKILL);
      EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    }
  }

  // Let the last run finish everything (bounded), then stop it cleanly.
  std::vector<std::unique_ptr<HeraldProcess>> procs;
  for (int p = 0; p < c.processes; ++p) procs.push_back(HeraldProcess::Start(argv, env, log));
  for (auto& p : procs) ASSERT_TRUE(p->WaitFor("worker running", seconds(30)));
  auto settled = [&]() {
    for (auto status : {store::PostStatus::kScheduled, store::PostStatus::kPublishing}) {
      store::PostQuery q;
      q.org_id = services.default_org.id;
      q.status = status;
      q.limit = 1;
      auto r = store::ReadValue<std::vector<store::Post>>(
          *services.store, [&](store::Tx& tx) { return tx.ListPosts(q); });
      if (!r.ok() || !r->empty()) return false;
    }
    return true;
  };
  // Between looks at the database, wait on the herald processes (poll on their output, at
  // most 200 ms): one that exits ends the wait at once instead of sleeping through it.
  auto deadline = std::chrono::steady_clock::now() + seconds(240);
  bool alive = true;
  while (alive && !settled() && std::chrono::steady_clock::now() < deadline) {
    for (auto& p : procs) {
      alive = p->WatchUntil(
          std::min(deadline, std::chrono::steady_clock::now() + milliseconds(200)));
      if (!alive) break;
    }
  }
  ASSERT_TRUE(alive) << "herald exited while posts were pending; see " << log;
  ASSERT_TRUE(settled()) << "posts still pending after 240 s; see " << log;
  for (auto& p : procs) {
    int status = p->Kill(SIGTERM);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }

  // What the networks hold, by text.
  auto count_by_text = [](emulators::EmulatorClient& ctl) {
    std::map<std::string, int> out;
    auto posts = ctl.Posts();
    EXPECT_THAT(posts, IsOk());
    if (!posts.ok()) return out;
    for (const auto& p : *posts) {
      if (!p.value("deleted", false)) ++out[p.value("text", std::string())];
    }
    return out;
  };
  auto on_mastodon = count_by_text(mastodon_ctl);
  auto on_telegram = count_by_text(telegram_ctl);

  int published = 0, unknown = 0, telegram_unknown_absent = 0;
  for (int i = 0; i < kPosts; ++i) {
    const std::string text = "crash post " + std::to_string(i);
    auto targets = store::ReadValue<std::vector<store::PostTarget>>(
        *services.store, [&](store::Tx& tx) {
          return tx.ListTargets(services.default_org.id, post_ids[static_cast<size_t>(i)]);
        });
    ASSERT_THAT(targets, IsOk());
    ASSERT_EQ(targets->size(), 2u);
    const auto& m = (*targets)[0];
    const auto& t = (*targets)[1];
    // Native idempotency: exactly once, and herald knows it.
    EXPECT_EQ(on_mastodon[text], 1) << text;
    EXPECT_EQ(m.status, store::TargetStatus::kPublished) << text << ": " << m.last_error;
    if (i % 10 == 0) {
      EXPECT_EQ(on_mastodon[text + " part 2"], 1) << text;
    }
    // No idempotency: never twice; published means there, unknown may be either.
    EXPECT_LE(on_telegram[text], 1) << text;
    if (i % 10 == 0) {
      EXPECT_LE(on_telegram[text + " part 2"], 1) << text;
    }
    if (t.status == store::TargetStatus::kPublished) {
      ++published;
      EXPECT_EQ(on_telegram[text], 1) << text;
    } else {
      EXPECT_EQ(t.status, store::TargetStatus::kUnknown) << text << ": " << t.last_error;
      ++unknown;
      if (on_telegram[text] == 0) ++telegram_unknown_absent;
    }
  }
  std::printf("crash test %s: %d kills, %d posts; telegram: %d published, %d unknown (%d of "
              "them not on the network)\n",
              c.name, kills, kPosts, published, unknown, telegram_unknown_absent);
}

std::vector<CrashCase> Cases() {
  return {{"sqlite", store::testing::BackendKind::kSqliteFile, 1},
          {"postgres", store::testing::BackendKind::kPostgres, 1},
          {"postgres_two_processes", store::testing::BackendKind::kPostgres, 2}};
}

INSTANTIATE_TEST_SUITE_P(Backends, CrashTest, ::testing::ValuesIn(Cases()),
                         [](const auto& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace herald
